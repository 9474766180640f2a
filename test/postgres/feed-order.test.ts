// The event feed under concurrent appenders: a reader tailing after a cursor never skips an entry,
// even when an append that drew its row id earlier commits after a later one. One test holds an
// append's transaction open on purpose while another process appends; the other races many
// appenders against a reader that pages through as they go.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { postgresStore, type PostgresStore } from '../../dist/stores/postgres/index.js';
import type { FeedEntry } from '../../dist/store/types.js';
import { createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { sleep } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('feed') : null;
after(async () => db?.drop());

const entry = (source: string, n: number): FeedEntry => ({ source, type: 'job:completed', at: 1_000 + n, dataJson: JSON.stringify({ n }) });

describe('postgres: event feed order with concurrent appenders', { skip }, () => {
  const schema = randomName('feed');
  const stores: PostgresStore[] = [];
  const open = (): PostgresStore => {
    const store = postgresStore({ connectionString: db!.url, schema, poolSize: 4 });
    stores.push(store);
    return store;
  };

  before(async () => {
    await open().migrate();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  test('an append whose transaction commits late is still read: a later append waits for it, the cursor never passes it', async () => {
    const reader = open();
    const other = open();
    const cursor = (await reader.readFeed(null, 10)).cursor;
    const client = new pg.Client({ connectionString: db!.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      // the first append draws its row id inside a transaction that stays open
      await reader.withClient(client).appendFeed([entry('slow', 1)]);
      const later = other.appendFeed([entry('fast', 2)]);
      let laterDone = false;
      void later.then(() => (laterDone = true));
      await sleep(500);
      // a reader tailing now must not move its cursor past the uncommitted first append
      const during = await reader.readFeed(cursor, 10);
      assert.equal(laterDone, false, 'the later append waits for the open one to commit');
      assert.deepEqual(during.entries, [], 'nothing is readable while an earlier append is in flight');
      await client.query('COMMIT');
      await later;
      const afterCommit = await reader.readFeed(during.cursor, 10);
      assert.deepEqual(afterCommit.entries.map((e) => e.source), ['slow', 'fast'], 'both, in commit order, from the cursor read during the wait');
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  });

  test('eight appenders on four stores racing a reader with small pages: every entry is read exactly once, each source in order', async () => {
    const reader = open();
    const appenders = [open(), open(), open(), open()];
    let cursor = (await reader.readFeed(null, 1)).cursor;
    const PER_SOURCE = 60;
    const sources = Array.from({ length: 8 }, (_, i) => `p${i}`);
    let appending = true;
    const seen: { source: string; n: number }[] = [];
    const tail = (async () => {
      for (;;) {
        const finished = !appending;
        const page = await reader.readFeed(cursor, 7);
        cursor = page.cursor;
        for (const e of page.entries) seen.push({ source: e.source, n: (JSON.parse(e.dataJson) as { n: number }).n });
        if (finished && page.entries.length === 0) return;
      }
    })();
    await Promise.all(
      sources.map(async (source, i) => {
        const store = appenders[i % appenders.length]!;
        for (let n = 0; n < PER_SOURCE; n += 3) await store.appendFeed([entry(source, n), entry(source, n + 1), entry(source, n + 2)]);
      }),
    );
    appending = false;
    await tail;
    assert.equal(seen.length, sources.length * PER_SOURCE, 'every appended entry, none twice');
    for (const source of sources) {
      const ns = seen.filter((s) => s.source === source).map((s) => s.n);
      assert.deepEqual(ns, Array.from({ length: PER_SOURCE }, (_, n) => n), `${source}'s entries in append order`);
    }
  });

  test('pages smaller and larger than a batch return exactly `limit` entries each, in order, through batches of 50', async () => {
    const store = open();
    const start = (await store.readFeed(null, 1)).cursor;
    for (let b = 0; b < 4; b++) await store.appendFeed(Array.from({ length: 50 }, (_, k) => entry('big', b * 50 + k)));
    for (const limit of [1, 7, 50, 120, 500]) {
      let cursor = start;
      const sizes: number[] = [];
      const ns: number[] = [];
      for (;;) {
        const page = await store.readFeed(cursor, limit);
        cursor = page.cursor;
        if (page.entries.length === 0) break;
        sizes.push(page.entries.length);
        ns.push(...page.entries.map((e) => (JSON.parse(e.dataJson) as { n: number }).n));
      }
      assert.deepEqual(ns, Array.from({ length: 200 }, (_, n) => n), `pages of ${limit}: every entry once, in order`);
      assert.ok(sizes.slice(0, -1).every((size) => size === limit), `pages of ${limit} are full until the last: ${sizes.join(',')}`);
    }
  });

  test('a malformed cursor is refused with an error naming it, and reads nothing', async () => {
    const store = open();
    await assert.rejects(store.readFeed('not-a-cursor', 10), /cursor "not-a-cursor" is not one this store returned/);
    await assert.rejects(store.readFeed('1.0', 0), /limit 0 must be a positive integer/);
  });
});
