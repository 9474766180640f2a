import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.js';
import { ValidationError, describeValue } from '../../core/errors.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson, printTable } from '../output.js';

export function registerQueues(program: Command, globals: () => GlobalOptions): void {
  const queues = program.command('queues').description('queues: counts, pause and resume (for every worker)');

  queues
    .command('list')
    .description('list queues with their counts and whether they are paused')
    .action(async () => {
      await withEngine(globals(), async (engine) => {
        const all = await engine.listQueues();
        if (globals().json) return printJson(all);
        if (all.length === 0) return void process.stdout.write('no queues\n');
        printTable(
          ['QUEUE', 'STATE', 'SCHEDULED', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'DEAD', 'OLDEST QUEUED'],
          all.map((q) => [
            q.queue,
            q.paused ? 'paused' : 'active',
            q.counts.scheduled,
            q.counts.queued,
            q.counts.running,
            q.counts.completed,
            q.counts.failed,
            q.counts.dead,
            q.oldestQueuedAgeMs === null ? '-' : formatDuration(q.oldestQueuedAgeMs),
          ]),
        );
      });
    });

  for (const [name, verb, done] of [['pause', 'stop starting its jobs on every worker (running jobs finish)', 'paused'], ['resume', 'start its jobs again', 'resumed']] as const) {
    queues
      .command(name)
      .description(verb)
      .argument('<queue>', 'the queue')
      .action(async (queue: string) => {
        if (!/^[\w.:-]{1,200}$/.test(queue)) throw new ValidationError(`expected a queue name of letters, digits, _ . : or -, got ${describeValue(queue)}`);
        await withEngine(globals(), async (engine) => {
          await (name === 'pause' ? engine.pauseQueue(queue) : engine.resumeQueue(queue));
          if (globals().json) printJson({ queue, paused: name === 'pause' });
          else process.stdout.write(`queue ${queue} ${done}\n`);
        });
      });
  }
}
