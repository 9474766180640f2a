import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../dist/stores/sqlite/index.js';
import { defineStoreConformance } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-conformance-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

defineStoreConformance({
  name: 'sqlite (file, WAL)',
  async create() {
    const store = new SqliteStore({ path: join(dir, `store-${++n}.db`) });
    await store.migrate();
    return store;
  },
  async reopen(store) {
    const other = new SqliteStore({ path: (store as SqliteStore).path });
    await other.migrate();
    return other;
  },
});

defineStoreConformance({
  name: 'sqlite (:memory:)',
  async create() {
    const store = new SqliteStore({ path: ':memory:' });
    await store.migrate();
    return store;
  },
});
