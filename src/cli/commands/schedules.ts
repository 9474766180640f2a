import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { compileSchedule, validateScheduleId } from '../../core/schedule.js';
import type { Taskwright } from '../../runtime/engine.js';
import type { ScheduleFire, ScheduleRecord } from '../../store/schedule-types.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { formatTime, printJson, printTable } from '../output.js';
import { isoTime, positiveInt } from '../parse-flags.js';
import { SCHEDULE_FLAG_HELP, scheduleInputFrom, withFlagNames, type ScheduleFlags } from '../schedule-flags.js';

function timingText(s: ScheduleRecord): string {
  if (s.timing.kind === 'cron') return `cron ${s.timing.cron}${s.timing.timezone === 'UTC' ? '' : ` (${s.timing.timezone})`}`;
  if (s.timing.kind === 'every') return `every ${String(s.input.every ?? `${s.timing.everyMs}ms`)}`;
  return `at ${formatTime(s.timing.at)}`;
}

const stateOf = (s: ScheduleRecord): string => (s.paused ? 'paused' : s.nextFireAt === null && s.bufferedDueAt === null ? 'finished' : 'active');

function printSchedules(list: ScheduleRecord[]): void {
  if (list.length === 0) return void process.stdout.write('no schedules\n');
  printTable(
    ['ID', 'WHEN', 'TARGET', 'STATE', 'NEXT', 'LAST', 'RUNS'],
    list.map((s) => [s.id, timingText(s), `${s.target} ${s.job.name}`, stateOf(s), formatTime(s.nextFireAt), formatTime(s.lastFireAt), s.maxRuns === null ? s.runCount : `${s.runCount}/${s.maxRuns}`]),
  );
}

function printSchedule(s: ScheduleRecord, fires: ScheduleFire[]): void {
  const lines: [string, unknown][] = [
    ['id', s.id],
    ['when', timingText(s)],
    ['target', `${s.target} ${s.job.name}`],
    ['payload', s.job.payloadJson],
    ['state', stateOf(s)],
    ['next fire', formatTime(s.nextFireAt)],
    ['last fire', `${formatTime(s.lastFireAt)}${s.lastJobId ? ` (job ${s.lastJobId})` : ''}`],
    ['runs', s.maxRuns === null ? s.runCount : `${s.runCount} of ${s.maxRuns}`],
    ['window', `start ${formatTime(s.startAt)}, end ${formatTime(s.endAt)}`],
    ['policies', `overlap ${s.overlap}, catch-up ${s.catchUp}`],
  ];
  if (s.bufferedDueAt !== null) lines.push(['held back', `${formatTime(s.bufferedDueAt)} (fires when job ${s.lastJobId} finishes)`]);
  for (const [label, value] of lines) process.stdout.write(`${label.padEnd(11)}${String(value)}\n`);
  if (fires.length) process.stdout.write('\nhistory\n');
  for (const f of fires) {
    const what = f.action === 'missed' ? `missed ${f.count} due time${f.count === 1 ? '' : 's'} (latest shown)` : f.action;
    process.stdout.write(`  due ${formatTime(f.dueAt)}  fired ${formatTime(f.firedAt)}  ${what}${f.jobId ? `  job ${f.jobId}` : ''}\n`);
  }
}

function addScheduleFlags(command: Command): Command {
  for (const [flag, help] of SCHEDULE_FLAG_HELP) command.option(flag, help);
  return command;
}

/** Runs `action` on an engine; a validation error is reworded to name the CLI flags. */
async function run<T>(globals: GlobalOptions, action: (engine: Taskwright) => Promise<T>): Promise<T> {
  try {
    return await withEngine(globals, action);
  } catch (error) {
    throw withFlagNames(error);
  }
}

export function registerSchedules(program: Command, globals: () => GlobalOptions): void {
  const schedules = program.command('schedules').description('cron, interval and one-time schedules (fired by every worker)');

  addScheduleFlags(
    schedules
      .command('create')
      .description('create a schedule: (--cron EXPR [--tz ZONE] | --every DURATION | --at ISO) (--job NAME | --workflow NAME)')
      .argument('<id>', 'schedule id')
      .option('--paused', 'create it paused')
      .option('--replace', 'replace an existing schedule of this id'),
  ).action(async (id: string, flags: ScheduleFlags & { paused?: boolean; replace?: boolean }) => {
    const input = scheduleInputFrom(flags);
    try {
      compileSchedule(id, input, Date.now()); // every check before the store is opened
    } catch (error) {
      throw withFlagNames(error);
    }
    await run(globals(), async (engine) => {
      const created = await engine.createSchedule(id, input, { paused: flags.paused === true, replace: flags.replace === true });
      if (globals().json) printJson(created);
      else process.stdout.write(`schedule ${created.id} created; next fire ${formatTime(created.nextFireAt)}\n`);
    });
  });

  addScheduleFlags(
    schedules.command('update').description('change some fields of a schedule (the same flags as create)').argument('<id>', 'schedule id'),
  ).action(async (id: string, flags: ScheduleFlags) => {
    validateScheduleId(id);
    const changes = scheduleInputFrom(flags);
    await run(globals(), async (engine) => {
      const updated = await engine.updateSchedule(id, changes);
      if (globals().json) printJson(updated);
      else process.stdout.write(`schedule ${updated.id} updated; next fire ${formatTime(updated.nextFireAt)}\n`);
    });
  });

  schedules
    .command('list')
    .description('list schedules with their next and last fire')
    .action(async () => {
      await run(globals(), async (engine) => {
        const list = await engine.listSchedules();
        if (globals().json) printJson(list);
        else printSchedules(list);
      });
    });

  schedules
    .command('get')
    .description('show a schedule and its history of fires')
    .argument('<id>', 'schedule id')
    .option('--limit <n>', 'history entries to show (default 20)')
    .action(async (id: string, flags: { limit?: string }) => {
      const limit = positiveInt('--limit', flags.limit) ?? 20;
      await run(globals(), async (engine) => {
        const { schedule, fires } = await engine.getSchedule(id, limit);
        if (globals().json) printJson({ schedule, fires });
        else printSchedule(schedule, fires);
      });
    });

  schedules
    .command('backfill')
    .description('fire each due time of a past range that has no job yet (once per due time; again adds nothing)')
    .argument('<id>', 'schedule id')
    .option('--from <iso>', 'first instant of the range (inclusive), e.g. 2026-11-01T00:00:00Z')
    .option('--to <iso>', 'last instant of the range (inclusive), at or before now')
    .option('--dry-run', 'list the due times without enqueueing')
    .action(async (id: string, flags: { from?: string; to?: string; dryRun?: boolean }) => {
      validateScheduleId(id);
      const from = isoTime('--from', flags.from);
      const to = isoTime('--to', flags.to);
      if (from === undefined || to === undefined) throw new ValidationError(`expected --from and --to, got ${from === undefined ? 'no --from' : 'no --to'}`);
      await run(globals(), async (engine) => {
        const result = await engine.backfillSchedule(id, { from, to, dryRun: flags.dryRun === true });
        if (globals().json) return printJson(result);
        const verb = result.dryRun ? 'would enqueue' : 'enqueued';
        const count = result.dryRun ? result.dueTimes.length - result.existing.length : result.enqueued.length;
        process.stdout.write(`schedule ${id}: ${result.dueTimes.length} due time${result.dueTimes.length === 1 ? '' : 's'} from ${formatTime(from)} to ${formatTime(to)}; ${verb} ${count}, ${result.existing.length} already fired\n`);
        for (const e of result.enqueued) process.stdout.write(`  due ${formatTime(e.dueAt)}  job ${e.jobId}\n`);
      });
    });

  // each returns the line to print
  const simple: [string, string, (engine: Taskwright, id: string) => Promise<string>][] = [
    ['pause', 'stop firing until resumed', async (e, id) => `schedule ${(await e.pauseSchedule(id)).id} paused`],
    ['resume', 'fire again from the next due time', async (e, id) => `schedule ${id} resumed; next fire ${formatTime((await e.resumeSchedule(id)).nextFireAt)}`],
    ['trigger', "enqueue the schedule's job now", async (e, id) => `schedule ${id} triggered: job ${(await e.triggerSchedule(id)).jobId ?? '-'}`],
    ['delete', 'delete a schedule and its history (fired jobs stay)', async (e, id) => (await e.deleteSchedule(id), `schedule ${id} deleted`)],
  ];
  for (const [name, description, act] of simple) {
    schedules
      .command(name)
      .description(description)
      .argument('<id>', 'schedule id')
      .action(async (id: string) => {
        validateScheduleId(id);
        await run(globals(), async (engine) => {
          const line = await act(engine, id);
          if (globals().json) printJson(name === 'delete' ? { id, deleted: true } : (await engine.getSchedule(id, 5)).schedule);
          else process.stdout.write(`${line}\n`);
        });
      });
  }
}
