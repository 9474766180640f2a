// `taskwright serve --handlers`: the server and a worker in one process; says it is loopback-only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HANDLERS_FILE, until } from './helpers.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/cli/main.js');

test('serve --handlers runs jobs posted over HTTP, logs JSON with ids, and stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-serve-'));
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--handlers', HANDLERS_FILE, '--store', `sqlite:${join(dir, 'tw.db')}`], {
    env: { ...process.env, TASKWRIGHT_API_TOKENS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const url = await until(() => /Taskwright API on (http:\/\/127\.0\.0\.1:\d+) \(no API tokens: listening on loopback only/.exec(stdout)?.[1], 20_000, 'the start-up line');
    const posted = await fetch(`${url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'echo', payload: 7 }) });
    const { id } = (await posted.json()) as { id: string };
    const job = await until(async () => {
      const body = (await (await fetch(`${url}/api/jobs/${id}`)).json()) as { job: { state: string; result: unknown } };
      return body.job.state === 'completed' && body.job;
    }, 20_000, 'the job to complete');
    assert.deepEqual(job.result, { echoed: 7 });
    // the log line follows the committed completion, so it may come a moment after the API shows it
    // (only complete lines are parsed: the last element after split is the unfinished one)
    const logged = () => stdout.split('\n').slice(0, -1).filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    await until(() => logged().some((l) => l.msg === 'job completed' && l.jobId === id && l.job === 'echo'), 10_000, 'a JSON log line with the job id');
    assert.ok(logged().every((l) => typeof l.level === 'number' && typeof l.time === 'number'), 'every line is a pino JSON record');
    assert.ok(logged().some((l) => l.msg === 'request' && l.method === 'POST' && l.url === '/api/jobs' && l.status === 201), 'one line per request');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
  rmSync(dir, { recursive: true, force: true });
});
