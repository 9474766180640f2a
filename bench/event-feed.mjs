// What publishing engine events to the store's feed costs a worker: drains N no-op jobs with the
// feed off and on, alternating, and prints throughput and CPU per 1k jobs for each run.
//
//   npm run build && node bench/event-feed.mjs [--count 20000] [--rounds 5] [--concurrency 50]
import { rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { count: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '50' } } });
const count = Number(values.count);
const { Taskwright } = await import(new URL('../dist/index.js', import.meta.url));
const { sqliteStore } = await import(new URL('../dist/stores/sqlite/index.js', import.meta.url));
const dir = join(tmpdir(), `tw-feed-bench-${process.pid}`);

async function drain(publish) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tw = new Taskwright({ store: sqliteStore(join(dir, 'bench.db')) });
  await tw.migrate();
  tw.register('noop', async () => {});
  for (let i = 0; i < count; i += 1000) await tw.enqueueMany(Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ name: 'noop', payload: { n: i + j } })));
  if (publish) tw.publishEvents();
  let done = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => {
    tw.on('job:completed', () => ++done === count && resolve());
    void tw.worker({ concurrency: Number(values.concurrency) }).start();
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await tw.close();
  return { jobsPerSec: Math.round((count / ms) * 1000), cpuMsPer1k: Number(((cpu.user + cpu.system) / 1000 / (count / 1000)).toFixed(1)) };
}

const results = { off: [], publish: [] };
for (let round = 0; round < Number(values.rounds); round++) {
  for (const mode of ['off', 'publish']) {
    const r = await drain(mode === 'publish');
    results[mode].push(r);
    console.log(`round ${round + 1} ${mode.padEnd(7)} ${r.jobsPerSec} jobs/s, ${r.cpuMsPer1k} cpu ms per 1k jobs`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const mode of ['off', 'publish']) {
  console.log(`median ${mode.padEnd(7)} ${median(results[mode].map((r) => r.jobsPerSec))} jobs/s, ${median(results[mode].map((r) => r.cpuMsPer1k))} cpu ms per 1k jobs`);
}
rmSync(dir, { recursive: true, force: true });
