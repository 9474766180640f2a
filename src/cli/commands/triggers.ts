import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import type { EventMatch } from '../../core/event-match.js';
import { compileTrigger, validateTriggerId, type TriggerInput } from '../../core/trigger.js';
import type { Taskwright } from '../../runtime/engine.js';
import type { TriggerView } from '../../runtime/triggers.js';
import type { TriggerFire } from '../../store/trigger-types.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { JOB_OPTION_FLAG_HELP, jobOptionsFrom, type JobOptionFlags } from '../job-option-flags.js';
import { formatTime, printJson, printTable } from '../output.js';
import { duration, json, positiveInt } from '../parse-flags.js';

interface TriggerFlags extends JobOptionFlags {
  event?: string;
  job?: string;
  workflow?: string;
  match?: string;
  payload?: string;
  delay?: string;
  webhookSecretEnv?: string;
  webhookMaxBody?: string;
  webhookTolerance?: string;
  paused?: boolean;
  replace?: boolean;
}

/** The trigger input from the flags; each bad value is named by its flag. */
function triggerInputFrom(flags: TriggerFlags): TriggerInput {
  if (flags.event === undefined) throw new ValidationError('expected --event NAME: the event that fires the trigger');
  const match = json('--match', flags.match);
  const options = { ...jobOptionsFrom(flags), ...(flags.delay !== undefined && { delay: duration('--delay', flags.delay) }) };
  const input: TriggerInput = { event: flags.event, ...(flags.job !== undefined && { job: flags.job }), ...(flags.workflow !== undefined && { workflow: flags.workflow }) };
  if (match !== undefined) input.match = match as EventMatch;
  if (flags.payload !== undefined) input.payload = json('--payload', flags.payload);
  if (Object.keys(options).length) input.options = options;
  if (flags.webhookSecretEnv !== undefined) {
    const secret = process.env[flags.webhookSecretEnv];
    if (secret === undefined) throw new ValidationError(`expected the environment variable ${flags.webhookSecretEnv} (--webhook-secret-env) to hold the webhook secret, but it is not set`);
    input.webhook = { secret, ...(flags.webhookMaxBody !== undefined && { maxBodyBytes: positiveInt('--webhook-max-body', flags.webhookMaxBody) }), ...(flags.webhookTolerance !== undefined && { tolerance: duration('--webhook-tolerance', flags.webhookTolerance) }) };
  } else if (flags.webhookMaxBody !== undefined || flags.webhookTolerance !== undefined) {
    throw new ValidationError('expected --webhook-secret-env VAR with --webhook-max-body or --webhook-tolerance');
  }
  return input;
}

function printTrigger(t: TriggerView, fires: TriggerFire[]): void {
  const lines: [string, unknown][] = [
    ['id', t.id],
    ['event', t.event],
    ['match', t.match === null ? 'every event' : JSON.stringify(t.match)],
    ['target', `${t.target} ${t.job.name}`],
    ['payload', t.payloadTemplate === null ? 'the event data' : JSON.stringify(t.payloadTemplate.value)],
    ['state', t.paused ? 'paused' : 'active'],
    ['webhook', t.webhook === null ? 'none' : `POST /api/hooks/${t.id} (max ${t.webhook.maxBodyBytes} bytes, tolerance ${t.webhook.toleranceMs}ms)`],
  ];
  for (const [label, value] of lines) process.stdout.write(`${label.padEnd(9)}${String(value)}\n`);
  if (fires.length) process.stdout.write('\nstarted\n');
  for (const f of fires) process.stdout.write(`  ${formatTime(f.firedAt)}  event ${f.eventKey}  job ${f.jobId}\n`);
}

export function registerTriggers(program: Command, globals: () => GlobalOptions): void {
  const triggers = program.command('triggers').description('event triggers: start a job or workflow run for each matching event (and webhooks)');

  const create = triggers
    .command('create')
    .description('create a trigger: --event NAME (--job NAME | --workflow NAME) [--match JSON] [--payload JSON]')
    .argument('<id>', 'trigger id')
    .option('--event <name>', 'the event name that fires it')
    .option('--job <name>', 'job to enqueue for each matching event')
    .option('--workflow <name>', 'workflow to start for each matching event')
    .option('--match <json>', 'conditions on the event data, e.g. {"currency":{"$in":["EUR","USD"]}}')
    .option('--payload <json>', 'payload template, e.g. {"orderId":"$.data.id"} (default: the event data)')
    .option('--delay <duration>', 'start the job this long after the event');
  for (const [flag, help] of JOB_OPTION_FLAG_HELP) create.option(flag, help);
  create
    .option('--webhook-secret-env <var>', 'make it a webhook (POST /api/hooks/ID) signed with the secret in this environment variable')
    .option('--webhook-max-body <bytes>', 'webhook bodies over this many bytes get 413 (default 1048576)')
    .option('--webhook-tolerance <duration>', 'refuse webhook signatures older or newer than this (default 5m)')
    .option('--paused', 'create it paused')
    .option('--replace', 'replace an existing trigger of this id')
    .action(async (id: string, flags: TriggerFlags) => {
      const input = triggerInputFrom(flags);
      compileTrigger(id, input, Date.now()); // every check before the store is opened
      await withEngine(globals(), async (engine) => {
        const created = await engine.createTrigger(id, input, { paused: flags.paused === true, replace: flags.replace === true });
        if (globals().json) printJson(created);
        else process.stdout.write(`trigger ${created.id} created: ${created.event} starts ${created.target} ${created.job.name}\n`);
      });
    });

  triggers
    .command('list')
    .description('list triggers')
    .action(async () => {
      await withEngine(globals(), async (engine) => {
        const list = await engine.listTriggers();
        if (globals().json) return printJson(list);
        if (list.length === 0) return void process.stdout.write('no triggers\n');
        printTable(['ID', 'EVENT', 'TARGET', 'STATE', 'WEBHOOK'], list.map((t) => [t.id, t.event, `${t.target} ${t.job.name}`, t.paused ? 'paused' : 'active', t.webhook ? 'yes' : 'no']));
      });
    });

  triggers
    .command('get')
    .description('show a trigger and the jobs it started')
    .argument('<id>', 'trigger id')
    .option('--limit <n>', 'started jobs to show (default 20)')
    .action(async (id: string, flags: { limit?: string }) => {
      const limit = positiveInt('--limit', flags.limit) ?? 20;
      validateTriggerId(id);
      await withEngine(globals(), async (engine) => {
        const { trigger, fires } = await engine.getTrigger(id, limit);
        if (globals().json) printJson({ trigger, fires });
        else printTrigger(trigger, fires);
      });
    });

  const simple: [string, string, (engine: Taskwright, id: string) => Promise<unknown>][] = [
    ['pause', 'start nothing until resumed', (e, id) => e.pauseTrigger(id)],
    ['resume', 'start jobs for events again', (e, id) => e.resumeTrigger(id)],
    ['delete', 'delete a trigger and its history (started jobs stay)', async (e, id) => (await e.deleteTrigger(id), { id, deleted: true })],
  ];
  for (const [name, description, act] of simple) {
    triggers
      .command(name)
      .description(description)
      .argument('<id>', 'trigger id')
      .action(async (id: string) => {
        validateTriggerId(id);
        await withEngine(globals(), async (engine) => {
          const result = await act(engine, id);
          if (globals().json) printJson(result);
          else process.stdout.write(`trigger ${id} ${name === 'delete' ? 'deleted' : `${name}d`}\n`);
        });
      });
  }
}
