// One engine on a temporary SQLite file, a worker, and the real server with an admin and a
// read token, for the browser tests; `api` calls the server as a script would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Taskwright } from '../../dist/index.js';
import { createServer, type TaskwrightServer } from '../../dist/server/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import { e2eHandlers } from './handlers.js';

export const ADMIN = 'e2e-admin-token-0123456789';
export const READER = 'e2e-read-token-0123456789';
/** The queues the tests use; the worker serves them all. */
const QUEUES = ['default', 'live', 'cancel', 'retry', 'redrive', 'readonly', 'overview'];

export interface Site {
  engine: Taskwright;
  server: TaskwrightServer;
  url: string;
  api: <T = unknown>(method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: T }>;
  close: () => Promise<void>;
}

export async function startSite(): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-e2e-'));
  const engine = new Taskwright({ store: sqliteStore(join(dir, 'tw.db')) });
  await engine.migrate();
  engine.register(...e2eHandlers);
  const worker = engine.worker({ concurrency: 8, pollInterval: 50, queues: QUEUES });
  await worker.start();
  const server = createServer({ engine, port: 0, tokens: [{ role: 'admin', token: ADMIN }, { role: 'read', token: READER }], feedPollMs: 200 });
  const url = await server.listen();
  const api: Site['api'] = async (method, path, body, token = ADMIN) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
  };
  return {
    engine, server, url, api,
    close: async () => {
      await server.close();
      await worker.stop(1000);
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
