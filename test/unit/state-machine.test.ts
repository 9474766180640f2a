import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConflictError, TaskwrightError } from '../../dist/core/errors.js';
import { JOB_STATES, TERMINAL_STATES, type JobState } from '../../dist/core/job.js';
import { CANCELLABLE_STATES, RETRYABLE_STATES, TRANSITIONS, assertTransition, canTransition } from '../../dist/core/state-machine.js';

test('the table has a row for every state and only names known states', () => {
  assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...JOB_STATES].sort());
  for (const [from, targets] of Object.entries(TRANSITIONS)) {
    for (const to of targets) assert.ok(JOB_STATES.includes(to), `${from} -> ${to}: unknown state`);
    assert.equal(new Set(targets).size, targets.length, `${from} lists a target twice`);
    assert.ok(!targets.includes(from as JobState), `${from} -> ${from} is not a transition`);
  }
});

test('the happy path: scheduled -> queued -> running -> completed', () => {
  assert.ok(canTransition('scheduled', 'queued'));
  assert.ok(canTransition('queued', 'running'));
  assert.ok(canTransition('running', 'completed'));
  assert.ok(!canTransition('scheduled', 'running'), 'a scheduled job is queued before it runs');
  assert.ok(!canTransition('queued', 'completed'), 'only a running job completes');
});

test('completed is final', () => {
  assert.deepEqual(TRANSITIONS.completed, []);
  for (const to of JOB_STATES) assert.equal(canTransition('completed', to), false, `completed -> ${to}`);
});

test('terminal states have no exits except a retry back to queued', () => {
  assert.deepEqual([...TERMINAL_STATES].sort(), ['cancelled', 'completed', 'dead', 'failed']);
  for (const state of TERMINAL_STATES) {
    const exits = TRANSITIONS[state];
    assert.ok(exits.every((to) => to === 'queued'), `${state} -> ${exits.join(', ')}`);
    assert.equal(exits.length > 0, RETRYABLE_STATES.includes(state), `${state}: an exit exists exactly when it is retryable`);
  }
  assert.deepEqual([...RETRYABLE_STATES].sort(), ['cancelled', 'dead', 'failed']);
});

test('a running job can retry, snooze, release, fail, die or be cancelled', () => {
  assert.deepEqual([...TRANSITIONS.running].sort(), ['cancelled', 'completed', 'dead', 'failed', 'queued', 'scheduled']);
});

test('cancel is allowed exactly from the cancellable states', () => {
  assert.deepEqual([...CANCELLABLE_STATES].sort(), ['queued', 'running', 'scheduled']);
  for (const state of JOB_STATES) {
    assert.equal(canTransition(state, 'cancelled'), CANCELLABLE_STATES.includes(state), `${state} -> cancelled`);
  }
});

test('every non-terminal state can reach a terminal state', () => {
  for (const start of JOB_STATES.filter((state) => !TERMINAL_STATES.includes(state))) {
    const seen = new Set<JobState>([start]);
    const queue: JobState[] = [start];
    while (queue.length > 0) {
      for (const next of TRANSITIONS[queue.shift() as JobState]) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    assert.ok(seen.has('completed'), `${start} cannot reach completed`);
  }
});

test('canTransition agrees with the table for every pair', () => {
  for (const from of JOB_STATES) {
    for (const to of JOB_STATES) assert.equal(canTransition(from, to), TRANSITIONS[from].includes(to), `${from} -> ${to}`);
  }
});

test('assertTransition allows table transitions and returns nothing', () => {
  assert.equal(assertTransition('job-1', 'failed', 'queued', 'retry'), undefined);
  assert.equal(assertTransition('job-1', 'running', 'cancelled', 'cancel'), undefined);
});

test('assertTransition throws a ConflictError naming the job, the action and the current state', () => {
  assert.throws(
    () => assertTransition('job-42', 'completed', 'queued', 'retry'),
    (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.ok(error instanceof TaskwrightError);
      assert.equal(error.code, 'conflict');
      assert.equal(error.name, 'ConflictError');
      assert.match(error.message, /^cannot retry job job-42: it is completed\b/);
      assert.deepEqual(error.details, { jobId: 'job-42', state: 'completed' });
      return true;
    },
  );
  assert.throws(() => assertTransition('j', 'cancelled', 'cancelled', 'cancel'), { code: 'conflict', name: 'ConflictError' });
  assert.throws(() => assertTransition('j', 'queued', 'completed', 'complete'), { code: 'conflict', message: /cannot complete job j: it is queued/ });
});
