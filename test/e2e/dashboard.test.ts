// The dashboard in a real headless Chromium against the real server and a worker: live updates,
// actions that change the store, roles, and bad input. Screenshots go to tmp/e2e-screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { browserMissing, launchBrowser, SHOTS_DIR, type Browser } from './browser.js';
import { healed, release } from './handlers.js';
import { ADMIN, READER, startSite, type Site } from './harness.js';

const missing = browserMissing();
let browser: Browser;
let site: Site;

before(async () => {
  if (missing) return;
  [browser, site] = await Promise.all([launchBrowser(), startSite()]);
});
after(async () => {
  await browser?.close();
  await site?.close();
});

/** A new tab signed in through the form with `token`, on `hash`; page errors fail the test. */
async function open(t: TestContext, token: string, hash = '#/'): Promise<Page> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => void d.accept());
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'no script errors on the page');
  });
  await page.goto(`${site.url}/${hash}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid="live-status"]', { hasText: 'live' }).waitFor();
  return page;
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });

async function untilState(id: string, states: string[], what: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { state } = await site.engine.getJob(id);
    if (states.includes(state)) return state;
    if (Date.now() > deadline) throw new Error(`job ${id} did not become ${states.join(' or ')} (${what}); it is ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('an unknown token is refused with the server\'s reason; the page asks again', { skip: missing ?? false }, async (t) => {
  const page = await browser.context.newPage();
  t.after(() => page.close());
  await page.goto(`${site.url}/`);
  await page.getByLabel('API token').fill('not-a-token-of-this-server');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /the bearer token is not known/);
  await shot(page, 'sign-in-refused');
});

test('a job enqueued through the API appears in the open jobs list without a reload and its state follows the store', { skip: missing ?? false }, async (t) => {
  const page = await open(t, ADMIN, '#/jobs');
  await page.evaluate('window.__sameDocument = true');
  const { body } = await site.api<{ id: string }>('POST', '/api/jobs', { name: 'slow', payload: { n: 1 }, options: { queue: 'live' } });
  const row = page.locator(`[data-job="${body.id}"]`);
  await row.waitFor({ timeout: 5000 });
  await row.locator('.badge', { hasText: 'running' }).waitFor({ timeout: 5000 });
  assert.equal(await page.evaluate('window.__sameDocument'), true, 'the page was not reloaded');
  await shot(page, 'jobs-live');
  await site.engine.cancel(body.id);
  await row.locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 5000 });
});

test('Cancel on a running job cancels it in the store and the page shows it', { skip: missing ?? false }, async (t) => {
  const { body } = await site.api<{ id: string }>('POST', '/api/jobs', { name: 'slow', payload: null, options: { queue: 'cancel' } });
  await untilState(body.id, ['running'], 'picked up by the worker');
  const page = await open(t, ADMIN, `#/jobs/${body.id}`);
  await page.locator('h1 .badge', { hasText: 'running' }).waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await untilState(body.id, ['cancelled'], 'after Cancel'), 'cancelled');
  await page.locator('h1 .badge', { hasText: 'cancelled' }).waitFor({ timeout: 5000 });
  await shot(page, 'job-cancelled');
});

test('Retry on a dead job runs it again: the store has it completed and the page follows', { skip: missing ?? false }, async (t) => {
  const { body } = await site.api<{ id: string }>('POST', '/api/jobs', { name: 'fragile', payload: null, options: { queue: 'retry', attempts: 1 } });
  await untilState(body.id, ['dead'], 'its first attempt');
  const page = await open(t, ADMIN, `#/jobs/${body.id}`);
  await page.locator('h1 .badge', { hasText: 'dead' }).waitFor();
  assert.match(await page.locator('.error-text').first().innerText(), /fragile job \d+ broke/);
  healed.add(body.id);
  await page.getByRole('button', { name: 'Retry' }).click();
  assert.equal(await untilState(body.id, ['completed'], 'after Retry'), 'completed');
  await page.locator('h1 .badge', { hasText: 'completed' }).waitFor({ timeout: 5000 });
  await shot(page, 'job-retried');
});

test('Redrive all empties the dead-letter queue in the store', { skip: missing ?? false }, async (t) => {
  const { body } = await site.api<{ jobs: { id: string }[] }>('POST', '/api/jobs', { jobs: [1, 2, 3].map((n) => ({ name: 'fragile', payload: { n }, options: { queue: 'redrive', attempts: 1 } })) });
  const ids = body.jobs.map((j) => j.id);
  for (const id of ids) await untilState(id, ['dead'], 'its first attempt');
  const page = await open(t, ADMIN, '#/dlq');
  for (const id of ids) await page.locator(`[data-job="${id}"]`).waitFor();
  await shot(page, 'dlq-before');
  ids.forEach((id) => healed.add(id));
  await page.getByRole('button', { name: 'Redrive all' }).click();
  for (const id of ids) assert.equal(await untilState(id, ['completed'], 'after redrive'), 'completed');
  assert.equal((await site.engine.listJobs({ state: 'dead', queue: 'redrive' })).length, 0);
  await page.getByText('The dead-letter queue is empty.').waitFor({ timeout: 5000 });
});

test("a running workflow's DAG turns green node by node, parallel branches side by side", { skip: missing ?? false }, async (t) => {
  const key = `dag-${Date.now()}`;
  const { body } = await site.api<{ executionId: string }>('POST', '/api/workflows/e2e.pipeline/execute', { input: { key } });
  const page = await open(t, ADMIN, `#/runs/${body.executionId}`);
  const node = (id: string) => page.locator(`.dag [data-step="${id}"]`);
  const status = (id: string) => node(id).getAttribute('data-status');
  await page.locator(`.dag [data-step="fetch"][data-status="running"]`).waitFor({ timeout: 5000 });
  assert.deepEqual(await Promise.all(['clean', 'enrich', 'report'].map(status)), ['pending', 'pending', 'pending']);
  // the two branches share a rank: same height, side by side
  const [clean, enrich] = await Promise.all([node('clean').boundingBox(), node('enrich').boundingBox()]);
  assert.ok(clean && enrich && Math.abs(clean.y - enrich.y) < 1 && Math.abs(clean.x - enrich.x) > 100, 'parallel branches side by side');
  await shot(page, 'dag-1-fetch-running');

  release(`${key}:fetch`);
  await page.locator(`.dag [data-step="fetch"][data-status="completed"]`).waitFor({ timeout: 5000 });
  await page.locator(`.dag [data-step="clean"][data-status="running"]`).waitFor({ timeout: 5000 });
  await page.locator(`.dag [data-step="enrich"][data-status="running"]`).waitFor({ timeout: 5000 });
  assert.equal(await status('report'), 'pending');
  await shot(page, 'dag-2-branches-running');

  release(`${key}:branches`);
  await page.locator(`.dag [data-step="report"][data-status="running"]`).waitFor({ timeout: 5000 });
  assert.deepEqual(await Promise.all(['clean', 'enrich'].map(status)), ['completed', 'completed']);
  release(`${key}:report`);
  await page.locator(`.dag [data-step="report"][data-status="completed"]`).waitFor({ timeout: 5000 });
  await page.locator('[data-testid="run-status"]', { hasText: 'completed' }).waitFor({ timeout: 5000 });
  // a step's output is one click (or Enter) away
  await node('enrich').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.getByTestId('step-panel').innerText(), /"rich"/);
  assert.equal(await page.locator('.gantt li').count(), 4);
  await shot(page, 'dag-3-completed');
});

test('a schedule made in the form is stored; a bad cron shows the server\'s error and stores nothing', { skip: missing ?? false }, async (t) => {
  const page = await open(t, ADMIN, '#/schedules');
  await page.getByText('Create a schedule').click();
  const form = page.getByRole('form', { name: 'create schedule' });
  await form.getByLabel('Id').fill('nightly-report');
  await form.getByLabel('Cron expression').fill('not a cron');
  await form.getByLabel('Name').fill('echo');
  await form.getByRole('button', { name: 'Create' }).click();
  const alert = form.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /not a cron/);
  assert.deepEqual(await site.engine.listSchedules(), [], 'a refused schedule is not stored');
  await shot(page, 'schedule-bad-cron');

  await form.getByLabel('Payload (JSON)').fill('{"broken": ');
  await form.getByLabel('Cron expression').fill('30 2 * * *');
  await form.getByRole('button', { name: 'Create' }).click();
  assert.match(await alert.innerText(), /expected payload to be JSON/);
  assert.deepEqual(await site.engine.listSchedules(), []);

  await form.getByLabel('Payload (JSON)').fill('{"report": "daily"}');
  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await form.getByRole('button', { name: 'Create' }).click();
  await page.locator('[data-schedule="nightly-report"]').waitFor({ timeout: 5000 });
  const [stored] = await site.engine.listSchedules();
  assert.equal(stored?.id, 'nightly-report');
  assert.deepEqual(stored?.input, { cron: '30 2 * * *', timezone: 'Europe/Berlin', job: 'echo', payload: { report: 'daily' } });
  await page.locator('[data-schedule="nightly-report"]').getByRole('button', { name: 'Pause' }).click();
  await page.locator('[data-schedule="nightly-report"]').getByRole('button', { name: 'Resume' }).waitFor({ timeout: 5000 });
  assert.equal((await site.engine.getSchedule('nightly-report')).schedule.paused, true);
  await shot(page, 'schedules');
  await site.engine.deleteSchedule('nightly-report');
});

test('a read-only token sees the data but no action, and the server refuses its actions anyway', { skip: missing ?? false }, async (t) => {
  const { body } = await site.api<{ id: string }>('POST', '/api/jobs', { name: 'fragile', payload: null, options: { queue: 'readonly', attempts: 1 } });
  await untilState(body.id, ['dead'], 'its first attempt');
  const page = await open(t, READER, `#/jobs/${body.id}`);
  assert.equal(await page.getByTestId('role').innerText(), 'read-only');
  await page.locator('h1 .badge', { hasText: 'dead' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Retry' }).count(), 0);
  await shot(page, 'read-only-job');
  await page.goto(`${site.url}/#/dlq`);
  await page.locator(`[data-job="${body.id}"]`).waitFor();
  assert.equal(await page.getByRole('button', { name: /Redrive/ }).count(), 0);
  await page.goto(`${site.url}/#/schedules`);
  await page.getByRole('heading', { name: 'Schedules' }).waitFor();
  assert.equal(await page.getByText('Create a schedule').count(), 0);
  await page.goto(`${site.url}/#/jobs`);
  await page.locator(`[data-job="${body.id}"]`).waitFor();
  assert.equal(await page.getByRole('button', { name: /all matching/ }).count(), 0);
  // the same call the Retry button would make, from the page with its token: refused
  const status = await page.evaluate(`fetch('api/jobs/${body.id}/retry', { method: 'POST', headers: { authorization: 'Bearer ${READER}', 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status)`);
  assert.equal(status, 403);
  assert.equal((await site.engine.getJob(body.id)).state, 'dead');
});

test('the overview counts and problem list follow the store live', { skip: missing ?? false }, async (t) => {
  const page = await open(t, ADMIN, '#/');
  const dead = page.getByTestId('total-dead');
  await dead.waitFor();
  const before = Number((await dead.innerText()).replace(/,/g, ''));
  const { body } = await site.api<{ id: string }>('POST', '/api/jobs', { name: 'fragile', payload: null, options: { queue: 'overview', attempts: 1 } });
  await untilState(body.id, ['dead'], 'its first attempt');
  await dead.filter({ hasText: new RegExp(`^${before + 1}$`) }).waitFor({ timeout: 5000 });
  await page.getByRole('link', { name: 'overview: 1 dead job' }).waitFor({ timeout: 5000 });
  assert.ok(Number(await page.getByTestId('workers-online').innerText()) >= 1);
  await shot(page, 'overview');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'overview-phone');
});
