import type { Command } from 'commander';
import { Taskwright } from '../../runtime/engine.js';
import { compileWorkerOptions, type WorkerOptions } from '../../runtime/worker-options.js';
import type { GlobalOptions } from '../context.js';
import { loadHandlers } from '../load-handlers.js';
import { collect, duration, positiveInt } from '../parse-flags.js';
import { onShutdownSignals } from '../signals.js';
import { chooseStore, openStore, redactUrl } from '../store-url.js';

interface WorkerFlags {
  handlers: string;
  concurrency?: string;
  queue?: string[];
  lease?: string;
  heartbeat?: string;
  grace?: string;
}

/** Flags to worker options, checked with the flag names before anything is opened or imported. */
function workerOptionsFrom(flags: WorkerFlags): WorkerOptions {
  const options: WorkerOptions = { handleSignals: true };
  const concurrency = positiveInt('--concurrency', flags.concurrency);
  if (concurrency !== undefined) options.concurrency = concurrency;
  if (flags.queue) options.queues = flags.queue;
  for (const [flag, key] of [['--lease', 'lease'], ['--heartbeat', 'heartbeat'], ['--grace', 'grace']] as const) {
    const value = duration(flag, flags[key]);
    if (value !== undefined) options[key] = value;
  }
  compileWorkerOptions(options); // the cross-field rules (heartbeat shorter than the lease, queue names)
  return options;
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
    .addHelpText('after', '\nA second SIGTERM/SIGINT while stopping exits at once (143/130); unfinished jobs go back to the queue.')
    .action(async (flags: WorkerFlags) => {
      const options = workerOptionsFrom(flags);
      const store = chooseStore(globals().store);
      const engine = new Taskwright({ store: openStore(store) });
      const names = await loadHandlers(engine, flags.handlers);
      // handleSignals makes the worker stop itself on the first signal; we report it and exit
      const worker = engine.worker(options);
      engine.on('worker:error', ({ error, during }) => process.stderr.write(`taskwright: worker error during ${during}: ${error.message}\n`));
      onShutdownSignals(async (signal) => {
        process.stdout.write(`worker ${worker.id} stopping (${signal}): ${worker.running} running, grace ${worker.options.graceMs}ms\n`);
        await worker.stop();
        await engine.close();
        process.stdout.write(`worker ${worker.id} stopped\n`);
        // A handler that ignored its abort signal may still hold a timer; its job was released.
        process.exit(0);
      });
      await worker.start();
      const o = worker.options;
      process.stdout.write(
        `worker ${worker.id} started on ${redactUrl(store.url)}: queues ${o.queues.join(', ')}, concurrency ${o.concurrency}, handlers ${names.join(', ')}\n`,
      );
    });
}
