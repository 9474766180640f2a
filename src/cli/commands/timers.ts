import type { Command } from 'commander';
import { ValidationError, describeValue } from '../../core/errors.js';
import { TIMER_KINDS, type TimerKind } from '../../store/schedule-types.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { formatTime, printJson, printTable } from '../output.js';
import { positiveInt } from '../parse-flags.js';

export function registerTimers(program: Command, globals: () => GlobalOptions): void {
  const timers = program.command('timers').description('stored timers: delays, retry backoffs, sleeps, timeouts, schedules');

  timers
    .command('list')
    .description('pending timers, soonest first, with their count and the next fire time')
    .option('--kind <kind>', `only this kind: ${TIMER_KINDS.join(', ')}`)
    .option('--limit <n>', 'at most this many (default 50)')
    .action(async (flags: { kind?: string; limit?: string }) => {
      if (flags.kind !== undefined && !(TIMER_KINDS as readonly string[]).includes(flags.kind)) {
        throw new ValidationError(`expected --kind to be one of ${TIMER_KINDS.join(', ')}, got ${describeValue(flags.kind)}`);
      }
      const limit = positiveInt('--limit', flags.limit) ?? 50;
      await withEngine(globals(), async (engine) => {
        const stats = await engine.timerStats();
        const list = await engine.listTimers({ ...(flags.kind && { kind: flags.kind as TimerKind }), limit });
        if (globals().json) return printJson({ stats, timers: list });
        process.stdout.write(`${stats.pending} pending (${stats.jobs} job, ${stats.timeouts} timeout, ${stats.schedules} schedule); next fires ${formatTime(stats.nextFireAt)}\n`);
        if (list.length) printTable(['TIMER', 'KIND', 'FIRES', 'NAME'], list.map((t) => [t.id, t.kind, formatTime(t.fireAt), t.name]));
      });
    });

  timers
    .command('cancel')
    .description("cancel what a timer would do: job:ID cancels the waiting job, schedule:ID skips that due time")
    .argument('<timer>', 'timer id as listed, e.g. job:42 or schedule:nightly')
    .action(async (id: string) => {
      if (!/^(job|schedule|timeout):.+$/.test(id)) throw new ValidationError(`expected a timer id like job:42 or schedule:nightly, got ${describeValue(id)}`);
      await withEngine(globals(), async (engine) => {
        const result = await engine.cancelTimer(id);
        if (globals().json) printJson(result);
        else process.stdout.write(`timer ${result.timer} cancelled: ${result.result}\n`);
      });
    });
}
