// Schedule firing cost on a SQLite file: N interval schedules all due at the same instant, fired
// by one engine (store claims in batches of 50), timed; then the idle check (nothing due) timed.
//
//   npm run build && node bench/schedules.mjs [--schedules 1000] [--rounds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Taskwright } from '../dist/index.js';
import { sqliteStore } from '../dist/stores/sqlite/index.js';
import { FakeClock } from '../dist/testing/index.js';

const { values } = parseArgs({ options: { schedules: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '5' } } });
const count = Number(values.schedules);
const rounds = Number(values.rounds);
const dir = mkdtempSync(join(tmpdir(), 'tw-bench-sched-'));
const start = Date.parse('2026-06-01T00:00:00Z');
const clock = new FakeClock(start);
const tw = new Taskwright({ store: sqliteStore(join(dir, 'bench.db')), clock });
try {
  await tw.migrate();
  for (let i = 0; i < count; i++) await tw.createSchedule(`s${i}`, { every: '1m', start: start + 60_000, job: 'tick', payload: { i }, overlap: 'allow' });
  const times = [];
  for (let r = 1; r <= rounds; r++) {
    clock.set(start + r * 60_000);
    const t0 = performance.now();
    const fired = await tw.fireDueSchedules();
    times.push(performance.now() - t0);
    if (fired.length !== count) throw new Error(`round ${r}: fired ${fired.length} of ${count}`);
  }
  const idle = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    await tw.fireDueSchedules();
    idle.push(performance.now() - t0);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = median(times);
  console.log(`${count} schedules due at once: median ${ms.toFixed(1)} ms per round over ${rounds} rounds (${Math.round((count / ms) * 1000)} fires/s, each a job enqueued with its history entry)`);
  console.log(`idle check with nothing due: median ${(median(idle) * 1000).toFixed(0)} µs`);
} finally {
  await tw.close();
  rmSync(dir, { recursive: true, force: true });
}
