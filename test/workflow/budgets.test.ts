import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Taskwright, defineWorkflow, resumeRun, runUsage, splitBudget } from '../../dist/index.js';
import { StorePlace } from '../support/test-store.js';

const place = new StorePlace('wf-budgets');
after(() => place.cleanup());

/** Three steps of 400 tokens each: a 1,000-token budget is passed by the third. */
function setup() {
  const tw = new Taskwright({ store: place.store() });
  const ran: string[] = [];
  tw.register(
    defineWorkflow('llm.chain', async (_: unknown, step) => {
      for (const name of ['outline', 'draft', 'polish']) {
        await step.run(name, () => {
          ran.push(name);
          step.usage({ tokens: 400, costUsd: 0.004 });
        });
      }
      return 'done';
    }),
  );
  return { tw, ran };
}

test('budget breach with the fail policy fails the run at the step boundary where it is passed', async () => {
  const { tw, ran } = setup();
  const { id } = await tw.enqueue('llm.chain', {}, { budget: { tokens: 1000, onBreach: 'fail' } });
  await tw.drain({ timeout: '5s' });
  const details = await tw.getJobDetails(id);
  assert.equal(details.job.state, 'dead');
  assert.match(details.job.error?.message ?? '', /budget exceeded after step "polish": tokens 1200 of 1000/);
  assert.deepEqual(ran, ['outline', 'draft', 'polish']);
  const usage = runUsage(details.steps);
  assert.equal(usage.tokens, 1200);
  assert.ok(Math.abs(usage.costUsd - 0.012) < 1e-9);
  assert.deepEqual(details.steps.map((s) => s.usage?.tokens), [400, 400, 400]);
  await tw.close();
});

test('budget breach with the cancel policy ends the run cancelled', async () => {
  const { tw, ran } = setup();
  const cancelled: string[] = [];
  tw.on('run:cancelled', (e) => cancelled.push(`${e.runId}:${e.reason}`));
  const { id } = await tw.enqueue('llm.chain', {}, { budget: { costUsd: 0.005, onBreach: 'cancel' } });
  await tw.drain({ timeout: '5s' });
  const job = await tw.getJob(id);
  assert.equal(job.state, 'cancelled');
  assert.equal(cancelled.length, 1, 'run:cancelled once');
  assert.match(cancelled[0] ?? '', new RegExp(`^${id}:budget exceeded`));
  assert.match(job.error?.message ?? '', /budget exceeded after step "draft": cost \$0\.0080 of \$0\.005/);
  assert.deepEqual(ran, ['outline', 'draft']);
  await tw.close();
});

test('budget breach with the pause policy parks the run until it is resumed with more budget', async () => {
  const { tw, ran } = setup();
  const { id } = await tw.enqueue('llm.chain', {}, { budget: { steps: 2, onBreach: 'pause' } });
  await tw.drain({ timeout: '3s' });
  const paused = await tw.getJobDetails(id);
  assert.equal(paused.job.state, 'scheduled');
  assert.match(paused.transitions.at(-1)?.reason ?? '', /^paused: budget exceeded before step "polish": steps 3 of 2/);
  assert.deepEqual(ran, ['outline', 'draft']);
  await resumeRun(tw, id, { steps: 5, onBreach: 'pause' });
  await tw.drain({ timeout: '5s' });
  assert.equal((await tw.getJob(id)).state, 'completed');
  assert.deepEqual(ran, ['outline', 'draft', 'polish'], 'earlier steps were not run again');
  await tw.close();
});

test('a step whose usage breaches the budget stays completed: after resume it does not run again and every spend counts', async () => {
  const tw = new Taskwright({ store: place.store() });
  const effects: string[] = [];
  let spentTokens = 0;
  tw.register(
    defineWorkflow('llm.four', async (_: unknown, step) => {
      for (const name of ['s1', 's2', 's3', 's4']) {
        await step.run(name, () => {
          effects.push(name);
          spentTokens += 40;
          step.usage({ tokens: 40 });
        });
      }
      return 'done';
    }),
  );
  const { id } = await tw.enqueue('llm.four', {}, { budget: { tokens: 100, onBreach: 'pause' } });
  await tw.drain({ timeout: '3s' });
  const paused = await tw.getJobDetails(id);
  assert.equal(paused.job.state, 'scheduled');
  assert.match(paused.transitions.at(-1)?.reason ?? '', /^paused: budget exceeded after step "s3": tokens 120 of 100/);
  assert.deepEqual(paused.steps.map((s) => `${s.stepId}:${s.status}`), ['s1:completed', 's2:completed', 's3:completed']);
  await resumeRun(tw, id, { tokens: 1000, onBreach: 'pause' });
  await tw.drain({ timeout: '5s' });
  const done = await tw.getJobDetails(id);
  assert.equal(done.job.state, 'completed');
  assert.deepEqual(effects, ['s1', 's2', 's3', 's4'], 'the step recorded before the pause ran once');
  assert.equal(spentTokens, 160);
  assert.equal(runUsage(done.steps).tokens, spentTokens, 'the reported usage is what the handlers spent');
  await tw.close();
});

test('splitBudget shares a budget across children by weight; bad budgets are rejected at enqueue', async () => {
  assert.deepEqual(splitBudget({ tokens: 1000, costUsd: 1, steps: 10, onBreach: 'fail' }, [1, 3]), [
    { tokens: 250, costUsd: 0.25, steps: 2, onBreach: 'fail' },
    { tokens: 750, costUsd: 0.75, steps: 7, onBreach: 'fail' },
  ]);
  const { tw } = setup();
  await assert.rejects(tw.enqueue('llm.chain', {}, { budget: { tokens: -1 } }), /expected budget\.tokens to be/);
  await assert.rejects(tw.enqueue('llm.chain', {}, { budget: { onBreach: 'explode' } as never }), /expected budget\.onBreach to be/);
  assert.equal((await tw.listJobs({})).length, 0);
  await tw.close();
});

test('statsByName reports counts, mean duration and summed cost per workflow, also per tag', async () => {
  const { tw } = setup();
  await tw.enqueue('llm.chain', {}, { tags: ['team:a'] });
  await tw.enqueue('llm.chain', {}, { tags: ['team:b'] });
  await tw.enqueue('llm.chain', {}, { budget: { tokens: 500 }, tags: ['team:a'] });
  await tw.drain({ timeout: '5s' });
  const [all] = await tw.statsByName();
  assert.equal(all?.name, 'llm.chain');
  assert.equal(all?.total, 3);
  assert.equal(all?.counts.completed, 2);
  assert.equal(all?.counts.dead, 1);
  assert.equal(all?.tokens, 1200 + 1200 + 800, 'two full runs and one stopped after two steps');
  assert.ok(typeof all?.averageDurationMs === 'number');
  const [teamA] = await tw.statsByName({ tag: 'team:a' });
  assert.equal(teamA?.total, 2);
  assert.equal(teamA?.tokens, 1200 + 800);
  await tw.close();
});
