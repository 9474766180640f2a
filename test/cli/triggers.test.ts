// `taskwright triggers ...` and `events send --id` through the real binary: create, list, get,
// pause, resume, delete; an event id sent twice starts one job; bad input is one line, exit 2,
// and writes nothing.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { CliSandbox, assertOneLineError } from './cli-helpers.js';

const box = new CliSandbox();
after(() => box.cleanup());

test('bad input: one line naming the value, exit 2, and no trigger written', () => {
  assert.equal(box.run('migrate').code, 0);
  const cases: [string[], RegExp][] = [
    [['triggers', 'create', 't', '--job', 'a'], /^taskwright: expected --event NAME/],
    [['triggers', 'create', 't', '--event', 'e'], /^taskwright: expected exactly one of job or workflow, got neither$/],
    [['triggers', 'create', 't', '--event', 'e', '--job', 'a', '--match', '{x'], /^taskwright: expected --match to be JSON, got "\{x"/],
    [['triggers', 'create', 't', '--event', 'e', '--job', 'a', '--delay', 'soon'], /^taskwright: expected --delay to be a duration .*"soon"/],
    [['triggers', 'create', 't', '--event', 'e', '--job', 'a', '--webhook-secret-env', 'TW_NOT_SET_ANYWHERE'], /TW_NOT_SET_ANYWHERE .*not set/],
    [['triggers', 'create', 'bad id', '--event', 'e', '--job', 'a'], /trigger id .*"bad id"/],
    [['events', 'send', 'e', '--id', 'a b'], /event id .*"a b"/],
  ];
  for (const [args, message] of cases) assertOneLineError(box.run(...args), 2, message);
  assert.deepEqual(box.json('triggers', 'list'), []);
});

test('create, list, get, pause, resume, delete; an event id sent twice starts one job', () => {
  const created = box.json<{ id: string; webhook: unknown }>('triggers', 'create', 'welcome', '--event', 'user.created', '--job', 'mail.welcome', '--payload', '{"to":"$.data.email"}', '--queue', 'mail', '--delay', 'PT1M');
  assert.equal(created.id, 'welcome');
  const hook = box.runWith({ env: { HOOK_SECRET: 'h'.repeat(24) } }, 'triggers', 'create', 'gh', '--event', 'github.push', '--workflow', 'deploy', '--webhook-secret-env', 'HOOK_SECRET');
  assert.equal(hook.code, 0, hook.stderr);
  assert.doesNotMatch(box.run('--json', 'triggers', 'get', 'gh').stdout, /hhhhhhhh/, 'the secret is not shown');
  assert.match(box.run('triggers', 'list').stdout, /welcome\s+user\.created\s+job mail\.welcome\s+active\s+no/);

  const first = box.json<{ deduplicated: boolean; started: { jobId: string }[] }>('events', 'send', 'user.created', '--data', '{"email":"a@example.com"}', '--id', 'u-1');
  const again = box.json<{ deduplicated: boolean; started: { jobId: string }[] }>('events', 'send', 'user.created', '--data', '{"email":"a@example.com"}', '--id', 'u-1');
  assert.deepEqual([first.deduplicated, again.deduplicated], [false, true]);
  assert.deepEqual(again.started, first.started);
  const { job } = box.json<{ job: { queue: string; payload: unknown; state: string } }>('jobs', 'get', first.started[0]!.jobId);
  assert.deepEqual([job.queue, job.payload, job.state], ['mail', { to: 'a@example.com' }, 'scheduled']);
  assert.match(box.run('triggers', 'get', 'welcome').stdout, /event u-1\s+job \d+/);

  assert.match(box.run('triggers', 'pause', 'welcome').stdout, /trigger welcome paused/);
  assert.match(box.run('events', 'send', 'user.created', '--data', '{}').stdout, /sent; 0 waiting runs woken$/m);
  assert.match(box.run('triggers', 'resume', 'welcome').stdout, /trigger welcome resumed/);
  assert.match(box.run('triggers', 'delete', 'welcome').stdout, /trigger welcome deleted/);
  assertOneLineError(box.run('triggers', 'get', 'welcome'), 1, /no trigger with id "welcome"/);
});
