import type { Command } from 'commander';
import { Taskwright } from '../../runtime/engine.js';
import type { WorkerOptions } from '../../runtime/worker-options.js';
import type { GlobalOptions } from '../context.js';
import { loadHandlers } from '../load-handlers.js';
import { collect, positiveInt } from '../parse-flags.js';
import { onShutdownSignals } from '../signals.js';
import { openStore, storeUrlFrom } from '../store-url.js';

interface WorkerFlags {
  handlers: string;
  concurrency?: string;
  queue?: string[];
  lease?: string;
  heartbeat?: string;
  grace?: string;
}

export function registerWorker(program: Command, globals: () => GlobalOptions): void {
  program
    .command('worker')
    .description('run a worker pool until SIGTERM or SIGINT')
    .requiredOption('--handlers <file>', 'a .js, .mjs or .ts module exporting handlers')
    .option('--concurrency <n>', 'handlers running at once (default 10)')
    .option('--queue <queue>', 'a queue to take jobs from (repeatable; default: default)', collect)
    .option('--lease <duration>', 'lease time of a claimed job (default 30s)')
    .option('--heartbeat <duration>', 'lease renewal interval (default 10s)')
    .option('--grace <duration>', 'on shutdown, time for running jobs to finish (default 10s)')
    .action(async (flags: WorkerFlags) => {
      const options: WorkerOptions = {};
      const concurrency = positiveInt('--concurrency', flags.concurrency);
      if (concurrency !== undefined) options.concurrency = concurrency;
      if (flags.queue) options.queues = flags.queue;
      if (flags.lease !== undefined) options.lease = flags.lease;
      if (flags.heartbeat !== undefined) options.heartbeat = flags.heartbeat;
      if (flags.grace !== undefined) options.grace = flags.grace;
      const storeUrl = storeUrlFrom(globals().store);
      const engine = new Taskwright({ store: openStore(storeUrl) });
      const names = await loadHandlers(engine, flags.handlers);
      const worker = engine.worker(options); // validates options before anything starts
      engine.on('worker:error', ({ error, during }) => process.stderr.write(`taskwright: worker error during ${during}: ${error.message}\n`));
      await worker.start();
      const o = worker.options;
      process.stdout.write(
        `worker ${worker.id} started on ${storeUrl}: queues ${o.queues.join(', ')}, concurrency ${o.concurrency}, handlers ${names.join(', ')}\n`,
      );
      onShutdownSignals(async (signal) => {
        process.stdout.write(`worker ${worker.id} stopping (${signal}): ${worker.running} running, grace ${o.graceMs}ms\n`);
        await worker.stop();
        await engine.close();
        process.stdout.write(`worker ${worker.id} stopped\n`);
        // A handler that ignored its abort signal may still hold a timer; the work is released.
        process.exit(0);
      });
    });
}
