// A real engine on a temporary SQLite file behind a real HTTP server (port 0), and small helpers
// to call it. Responses are checked against their schemas (validateResponses) in every test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Taskwright } from '../../dist/index.js';
import { createServer, type ServerOptions, type TaskwrightServer } from '../../dist/server/index.js';
import { sqliteStore } from '../../dist/stores/sqlite/index.js';
import type { JobDefinition } from '../../dist/index.js';
import type { Store } from '../../dist/store/store.js';

export const HANDLERS_FILE = fileURLToPath(new URL('../fixtures/server-handlers.mjs', import.meta.url));
const handlersModule = pathToFileURL(HANDLERS_FILE).href;

export const ADMIN = 'admin-token-0123456789abcdef';
export const READER = 'read-token-0123456789abcdef';

export interface Harness {
  dir: string;
  dbPath: string;
  engine: Taskwright;
  server: TaskwrightServer;
  url: string;
  call: (method: string, path: string, options?: CallOptions) => Promise<Reply>;
  close: () => Promise<void>;
}

export interface CallOptions {
  body?: unknown;
  /** sent as is (not JSON-encoded) */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  token?: string | null;
}

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON fields
  body: any;
  text: string;
  headers: Headers;
}

/** `store`: serve this store instead of a fresh SQLite file (the harness closes it). */
export async function startHarness(options: Partial<ServerOptions> & { register?: boolean; defaultToken?: string | null; store?: Store } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-server-'));
  const dbPath = join(dir, 'tw.db');
  const engine = new Taskwright({ store: options.store ?? sqliteStore(dbPath) });
  await engine.migrate();
  if (options.register !== false) engine.register(...Object.values((await import(handlersModule)) as Record<string, JobDefinition>));
  const { register: _r, defaultToken, store: _s, ...serverOptions } = options;
  const server = createServer({ engine, port: 0, tokens: [], validateResponses: true, feedPollMs: 200, ...serverOptions });
  const url = await server.listen();
  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? defaultToken : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Buffer | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text, headers: response.headers };
  };
  return {
    dir, dbPath, engine, server, url, call,
    close: async () => {
      await server.close();
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Everything a rejected request must leave as it was: every job (with its state and attempts) and the feed-free stats. */
export async function snapshot(engine: Taskwright): Promise<string> {
  const jobs = await engine.listJobs({ limit: 10_000 });
  const events = await engine.store.listEvents('approved', 0, 1000);
  const stats = (await engine.stats()).map((q) => ({ queue: q.queue, counts: q.counts }));
  return JSON.stringify({ jobs, events, stats });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(25);
  }
}

/** Runs a worker on `queues` until every job in `ids` has finished (engine.drain waits for every queue). */
export async function runJobs(engine: Taskwright, queues: string[], ids: string[], timeoutMs = 20_000): Promise<void> {
  const worker = engine.worker({ queues, pollInterval: 20 });
  await worker.start();
  try {
    await until(async () => {
      const jobs = await Promise.all(ids.map((id) => engine.getJob(id)));
      return jobs.every((j) => ['completed', 'failed', 'dead', 'cancelled'].includes(j.state));
    }, timeoutMs, `jobs ${ids.join(', ')} to finish`);
  } finally {
    await worker.stop();
  }
}
