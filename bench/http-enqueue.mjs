// Enqueue throughput over the REST API: POST /api/jobs with one job per request and with batches,
// from N concurrent HTTP clients against a server on a temporary SQLite file.
//
//   npm run build && node bench/http-enqueue.mjs [--requests 5000] [--clients 16] [--batch 100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '5000' }, clients: { type: 'string', default: '16' }, batch: { type: 'string', default: '100' } } });
const { Taskwright } = await import(new URL('../dist/index.js', import.meta.url));
const { sqliteStore } = await import(new URL('../dist/stores/sqlite/index.js', import.meta.url));
const { createServer } = await import(new URL('../dist/server/index.js', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'tw-http-bench-'));
const engine = new Taskwright({ store: sqliteStore(join(dir, 'bench.db')) });
await engine.migrate();
const server = createServer({ engine, port: 0, tokens: [] });
const url = await server.listen();

async function run(label, body, requests) {
  let next = 0;
  const started = performance.now();
  const client = async () => {
    while (next++ < requests) {
      const response = await fetch(`${url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (response.status !== 201) throw new Error(`status ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: Number(values.clients) }, client));
  const seconds = (performance.now() - started) / 1000;
  return { label, requestsPerSec: Math.round(requests / seconds), seconds: Number(seconds.toFixed(2)) };
}

const requests = Number(values.requests);
const batch = Number(values.batch);
const one = await run('one job per request', JSON.stringify({ name: 'noop', payload: { n: 1 } }), requests);
console.log(`${one.label}: ${one.requestsPerSec} requests/s = ${one.requestsPerSec} jobs/s (${requests} requests in ${one.seconds}s)`);
const batchBody = JSON.stringify({ jobs: Array.from({ length: batch }, (_, n) => ({ name: 'noop', payload: { n } })) });
const many = await run(`batches of ${batch}`, batchBody, Math.max(1, Math.round(requests / 10)));
console.log(`${many.label}: ${many.requestsPerSec} requests/s = ${many.requestsPerSec * batch} jobs/s`);
await server.close();
await engine.close();
rmSync(dir, { recursive: true, force: true });
