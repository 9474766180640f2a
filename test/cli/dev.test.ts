import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CliSandbox, until } from './cli-helpers.js';

const box = new CliSandbox();
after(() => box.cleanup());

test('dev --exit runs the example jobs to the end with visible progress, a summary and tips, and exits 0', async () => {
  const startedAt = Date.now();
  const dev = box.spawn('dev', '--exit');
  const code = await dev.exited;
  const { stdout, stderr } = dev.output();
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '');
  assert.ok(Date.now() - startedAt < 15_000, 'dev must finish within 15s');
  const expected = [
    /enqueued 6 example jobs:\n/,
    /thumbnails\.render#\d+\s+progress and a checkpoint after each of 5 steps/,
    /worker \S+ started: queues quickstart, concurrency 4/,
    /start\s+greet#\d+ \(attempt 1\)/,
    /progress\s+thumbnails\.render#\d+ \{"done":1,"of":5\}/,
    /checkpoint thumbnails\.render#\d+ saved "image-5"/,
    /log\s+thumbnails\.render#\d+ all thumbnails rendered/,
    /retry\s+weather\.fetch#\d+ failed: weather service timed out for Lisbon; attempt 2 in/,
    /start\s+weather\.fetch#\d+ \(attempt 2\)/,
    /done\s+weather\.fetch#\d+ in \S+ -> \{"city":"Lisbon","celsius":21\}/,
    /dead\s+card\.charge#\d+: cannot charge -100 cents \(moved to the dead-letter queue\)/,
    /done\s+greet#\d+ in \S+ -> \{"greeting":"hello, Linus \(delayed 2s\)"\}/,
    /all example jobs finished\n/,
    /QUEUE\s+SCHEDULED\s+QUEUED\s+RUNNING\s+COMPLETED\s+FAILED\s+DEAD\s+CANCELLED\nquickstart\s+0\s+0\s+0\s+5\s+0\s+1\s+0\n/,
    /Next:\n\s+npx taskwright jobs list --queue quickstart --store sqlite:\S+/,
    /npx taskwright dlq list --store/,
  ];
  for (const line of expected) assert.match(stdout, line);
  // the delayed job runs last, about 2s after the others were enqueued
  assert.ok(stdout.indexOf('hello, Linus') > stdout.indexOf('rendered'), 'the delayed job finishes after the others');

  // what dev printed is really in the store
  const dead = box.json<{ name: string }[]>('dlq', 'list');
  assert.deepEqual(dead.map((j) => j.name), ['card.charge']);
});

test('dev --keep-running stays up after the examples and stops on SIGINT with exit 0', async () => {
  const dev = box.spawn('dev', '--keep-running');
  try {
    await until(() => dev.output().stdout.includes('worker keeps running'), 15_000, 'dev to finish the examples');
    // the worker is still there: a new job on the quickstart queue runs
    const { id } = box.json<{ id: string }>('enqueue', 'greet', '--payload', '{"name":"you"}', '--queue', 'quickstart');
    await until(() => dev.output().stdout.includes('hello, you'), 10_000, 'the extra job to run');
    assert.equal(box.json<{ job: { state: string } }>('jobs', 'get', id).job.state, 'completed');
    // the API server printed its URL and serves the same store
    const url = /API and live events on (http:\/\/127\.0\.0\.1:\d+)/.exec(dev.output().stdout)?.[1];
    assert.ok(url, 'dev prints the API URL');
    const listed = (await (await fetch(`${url}/api/jobs?queue=quickstart`)).json()) as { jobs: { id: string }[] };
    assert.ok(listed.jobs.some((j) => j.id === id), 'the API lists the job enqueued from the CLI');
  } finally {
    dev.child.kill('SIGINT');
  }
  assert.equal(await dev.exited, 0);
});

test('dev with no flags (the README quick start) stays up and serves the dashboard at /', async () => {
  const dev = box.spawn('dev');
  try {
    await until(() => dev.output().stdout.includes('worker keeps running'), 15_000, 'dev to finish the examples');
    const url = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(dev.output().stdout)?.[1];
    assert.ok(url, `dev prints the dashboard URL:\n${dev.output().stdout}`);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /<script type="module" src="assets\/app\.js">/);
    const bundle = await fetch(`${url}/assets/app.js`);
    assert.equal(bundle.status, 200);
    assert.ok((await bundle.text()).length > 10_000, 'the bundled dashboard is served');
  } finally {
    dev.child.kill('SIGINT');
  }
  assert.equal(await dev.exited, 0);
});
