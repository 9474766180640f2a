import type { Command } from 'commander';
import { JOB_STATES } from '../../core/job.js';
import { formatDuration } from '../../core/duration.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson, printTable } from '../output.js';

export function registerStats(program: Command, globals: () => GlobalOptions): void {
  program
    .command('stats')
    .description('job counts per queue and state, oldest queued age, checkpoints')
    .action(async () => {
      await withEngine(globals(), async (engine) => {
        const queues = await engine.stats();
        const checkpoints = await engine.checkpointStats();
        if (globals().json) return printJson({ queues, checkpoints });
        if (queues.length === 0) process.stdout.write('no jobs\n');
        else {
          printTable(
            ['QUEUE', ...JOB_STATES.map((s) => s.toUpperCase()), 'OLDEST QUEUED'],
            queues.map((q) => [q.queue, ...JOB_STATES.map((s) => q.counts[s]), q.oldestQueuedAgeMs === null ? '-' : formatDuration(q.oldestQueuedAgeMs)]),
          );
        }
        process.stdout.write(`checkpoints: ${checkpoints.count} (${checkpoints.totalBytes} bytes)\n`);
      });
    });
}
