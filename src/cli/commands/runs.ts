import type { Command } from 'commander';
import { TERMINAL_STATES } from '../../core/job.js';
import { ValidationError, describeValue } from '../../core/errors.js';
import { cancelRun, rerunFrom } from '../../workflow/runs.js';
import { getRun, listRuns, RUN_STATUSES, type RunStatus } from '../../workflow/run-view.js';
import { printRun } from './run-view.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { formatTime, printJson, printTable } from '../output.js';
import { duration, json, positiveInt } from '../parse-flags.js';

function runStatus(value: string | undefined): RunStatus | undefined {
  if (value === undefined) return undefined;
  if (!(RUN_STATUSES as readonly string[]).includes(value)) throw new ValidationError(`expected --status to be one of ${RUN_STATUSES.join(', ')}, got ${describeValue(value)}`);
  return value as RunStatus;
}

/** Workflow runs are jobs; these commands speak of them as runs. */
export function registerRuns(program: Command, globals: () => GlobalOptions): void {
  program
    .command('run')
    .description('start a workflow run (optionally wait for its result)')
    .argument('<workflow>', 'workflow name')
    .option('--input <json>', 'run input as JSON')
    .option('--wait', 'wait until the run finishes and print its result')
    .option('--wait-timeout <duration>', 'give up waiting after this long (default 5m)')
    .action(async (workflow: string, flags: { input?: string; wait?: boolean; waitTimeout?: string }) => {
      const input = json('--input', flags.input);
      const waitMs = duration('--wait-timeout', flags.waitTimeout) ?? 300_000;
      await withEngine(globals(), async (engine) => {
        const { id } = await engine.enqueue(workflow, input);
        if (!flags.wait) {
          if (globals().json) printJson({ runId: id });
          else process.stdout.write(`run ${id} started\n`);
          return;
        }
        const deadline = Date.now() + waitMs;
        let job = await engine.getJob(id);
        while (!TERMINAL_STATES.includes(job.state)) {
          if (Date.now() > deadline) throw new Error(`run ${id} did not finish within ${waitMs}ms (it is ${job.state})`);
          await new Promise((r) => setTimeout(r, 100));
          job = await engine.getJob(id);
        }
        if (globals().json) printJson({ runId: id, status: job.state, result: job.result, error: job.error });
        else process.stdout.write(`run ${id} ${job.state}${job.result !== undefined ? `: ${JSON.stringify(job.result)}` : ''}${job.error ? `: ${job.error.message}` : ''}\n`);
        if (job.state !== 'completed') process.exitCode = 1;
      });
    });

  const runs = program.command('runs').description('workflow runs');
  runs
    .command('list')
    .description('list runs, newest first')
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--status <status>', `only runs in this status (${RUN_STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many (default 50)')
    .action(async (flags: { workflow?: string; status?: string; limit?: string }) => {
      const status = runStatus(flags.status);
      const limit = positiveInt('--limit', flags.limit) ?? 50;
      await withEngine(globals(), async (engine) => {
        const list = await listRuns(engine, { ...(flags.workflow && { workflow: flags.workflow }), ...(status && { status }), limit });
        if (globals().json) return printJson(list.map((r) => ({ id: r.id, workflow: r.name, status: r.runStatus, createdAt: r.createdAt, finishedAt: r.finishedAt, error: r.error })));
        if (list.length === 0) return void process.stdout.write('no runs\n');
        printTable(['ID', 'WORKFLOW', 'STATUS', 'CREATED', 'FINISHED', 'ERROR'], list.map((r) => [r.id, r.name, r.runStatus, formatTime(r.createdAt), formatTime(r.finishedAt), r.error?.message ?? '']));
      });
    });
  runs
    .command('stats')
    .description('per workflow: counts by state, mean duration, reported tokens and cost')
    .option('--tag <tag>', 'only runs with this tag')
    .action(async (flags: { tag?: string }) => {
      await withEngine(globals(), async (engine) => {
        const stats = await engine.statsByName(flags.tag === undefined ? {} : { tag: flags.tag });
        if (globals().json) return printJson(stats);
        printTable(
          ['NAME', 'TOTAL', 'COMPLETED', 'FAILED', 'DEAD', 'RUNNING', 'MEAN', 'TOKENS', 'COST USD'],
          stats.map((s) => [s.name, s.total, s.counts.completed, s.counts.failed, s.counts.dead, s.counts.running,
            s.averageDurationMs === null ? '-' : `${s.averageDurationMs}ms`, s.tokens, s.costUsd.toFixed(4)]),
        );
      });
    });
  runs
    .command('cancel')
    .description('cancel a run and the runs it started')
    .argument('<id>', 'run id')
    .action(async (id: string) => {
      await withEngine(globals(), async (engine) => {
        const cancelled = await cancelRun(engine, id);
        if (globals().json) printJson({ cancelled });
        else process.stdout.write(`cancelled ${cancelled.length} run${cancelled.length === 1 ? '' : 's'}: ${cancelled.join(', ') || '-'}\n`);
      });
    });
  runs
    .command('rerun')
    .description('start a new run that reuses the steps before --from')
    .argument('<id>', 'a finished run id')
    .requiredOption('--from <step>', 'the first step to run again')
    .action(async (id: string, flags: { from: string }) => {
      await withEngine(globals(), async (engine) => {
        const job = await rerunFrom(engine, id, flags.from);
        if (globals().json) printJson({ runId: job.id, rerunOf: id, from: flags.from });
        else process.stdout.write(`run ${job.id} started from step ${flags.from} of run ${id}\n`);
      });
    });
  runs
    .command('get')
    .description('a run with its status history, steps, logs, usage and cost')
    .argument('<id>', 'run id')
    .action(async (id: string) => {
      await withEngine(globals(), async (engine) => {
        const run = await getRun(engine, id);
        if (globals().json) printJson(run);
        else printRun(run);
      });
    });
}
