import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { formatTime, printJson, printTable } from '../output.js';

export function registerWorkers(program: Command, globals: () => GlobalOptions): void {
  const workers = program.command('workers').description('the worker registry');

  workers
    .command('list')
    .description('registered workers of every process, with their last heartbeat')
    .action(async () => {
      await withEngine(globals(), async (engine) => {
        const all = await engine.listWorkers();
        if (globals().json) return printJson(all);
        if (all.length === 0) return void process.stdout.write('no workers\n');
        const now = Date.now();
        printTable(
          ['ID', 'STATE', 'HOST', 'PID', 'QUEUES', 'CONCURRENCY', 'TAGS', 'STARTED', 'LAST HEARTBEAT'],
          all.map((w) => [
            w.id,
            w.state,
            w.host,
            w.pid,
            w.queues.join(','),
            `${w.concurrency}${w.autoscale ? ` (${w.autoscale.min}:${w.autoscale.max})` : ''}`,
            w.tags.join(',') || '-',
            formatTime(w.startedAt),
            `${formatDuration(Math.max(0, now - w.heartbeatAt))} ago`,
          ]),
        );
      });
    });

  workers
    .command('leaders')
    .description('which worker process holds each elected role (stager, scheduler) and until when')
    .action(async () => {
      await withEngine(globals(), async (engine) => {
        const leaders = await engine.listLeaders();
        if (globals().json) return printJson(leaders);
        if (leaders.length === 0) {
          const why = engine.store.capabilities.leaderElection ? 'no role is held (no worker is running)' : 'this store elects no leaders: every worker stages due jobs and fires schedules';
          return void process.stdout.write(`no leaders: ${why}\n`);
        }
        printTable(
          ['ROLE', 'HOLDER', 'LIVE', 'SINCE', 'LEASE'],
          leaders.map((l) => [l.role, l.holder, l.live ? 'yes' : 'no', formatTime(l.acquiredAt), l.live ? `${formatDuration(l.remainingMs)} left` : 'expired']),
        );
      });
    });
}
