import type { Command } from 'commander';
import { Taskwright } from '../../runtime/engine.js';
import { instrumentTracing } from '../../telemetry/tracing.js';
import { compileWorkerOptions, type WorkerOptions } from '../../runtime/worker-options.js';
import type { GlobalOptions } from '../context.js';
import { loadHandlers } from '../load-handlers.js';
import { collect, duration, list, positiveInt, range } from '../parse-flags.js';
import { onShutdownSignals } from '../signals.js';
import { chooseStore, openStore, redactUrl } from '../store-url.js';

interface WorkerFlags {
  handlers: string;
  concurrency?: string;
  queue?: string[];
  lease?: string;
  heartbeat?: string;
  grace?: string;
  /** commander's negated --no-events: false when given */
  events?: boolean;
  tags?: string;
  autoscale?: string;
}

/** Flags to worker options, checked with the flag names before anything is opened or imported. */
export function workerOptionsFrom(flags: WorkerFlags): WorkerOptions {
  const options: WorkerOptions = { handleSignals: true };
  const concurrency = positiveInt('--concurrency', flags.concurrency);
  if (concurrency !== undefined) options.concurrency = concurrency;
  if (flags.queue) options.queues = flags.queue;
  for (const [flag, key] of [['--lease', 'lease'], ['--heartbeat', 'heartbeat'], ['--grace', 'grace']] as const) {
    const value = duration(flag, flags[key]);
    if (value !== undefined) options[key] = value;
  }
  const tags = list(flags.tags);
  if (tags !== undefined) options.tags = tags;
  const autoscale = range('--autoscale', flags.autoscale);
  if (autoscale !== undefined) options.autoscale = autoscale;
  compileWorkerOptions(options); // the cross-field rules (heartbeat shorter than the lease, queue names)
  return options;
}

export function registerWorker(program: Command, globals: () => GlobalOptions): void {
  program
    .command('worker')
    .description('run a worker pool until SIGTERM or SIGINT')
    .requiredOption('--handlers <file>', 'a .js, .mjs or .ts module exporting handlers; the workflows (defineWorkflow, DAGs) it exports are registered too')
    .option('--concurrency <n>', 'handlers running at once (default 10)')
    .option('--queue <queue>', 'a queue to take jobs from (repeatable; default: default)', collect)
    .option('--lease <duration>', 'lease time of a claimed job (default 30s)')
    .option('--heartbeat <duration>', 'lease renewal interval (default 10s)')
    .option('--grace <duration>', 'on shutdown, time for running jobs to finish (default 10s)')
    .option('--no-events', "do not copy this worker's events into the store's event feed (a server in another process will not stream them)")
    .option('--tags <a,b>', 'this worker\'s tags: it also runs jobs that require them (enqueue --require-tags)')
    .option('--autoscale <min:max>', 'grow and shrink concurrency between MIN and MAX with the load')
    .addHelpText('after', '\nWorkflows in FILE are registered like jobs: this worker runs their steps, sleeps, waits and child runs.\nA second SIGTERM/SIGINT while stopping exits at once (143/130); unfinished jobs go back to the queue.')
    .action(async (flags: WorkerFlags) => {
      const options = workerOptionsFrom(flags);
      const store = chooseStore(globals().store);
      const engine = new Taskwright({ store: await openStore(store) });
      const names = await loadHandlers(engine, flags.handlers);
      // handleSignals makes the worker stop itself on the first signal; we report it and exit
      const worker = engine.worker(options);
      engine.on('worker:error', ({ error, during }) => process.stderr.write(`taskwright: worker error during ${during}: ${error.message}\n`));
      engine.on('worker:scaled', ({ from, to, reason }) => process.stdout.write(`worker ${worker.id} concurrency ${from} -> ${to} (${reason})\n`));
      engine.on('breaker:changed', ({ key, from, to, reason }) => process.stdout.write(`breaker ${key} ${from} -> ${to} (${reason})\n`));
      onShutdownSignals(async (signal) => {
        process.stdout.write(`worker ${worker.id} stopping (${signal}): ${worker.running} running, grace ${worker.options.graceMs}ms\n`);
        await worker.stop();
        await engine.close();
        process.stdout.write(`worker ${worker.id} stopped\n`);
        // A handler that ignored its abort signal may still hold a timer; its job was released.
        process.exit(0);
      });
      // a server in another process streams this worker's events from the store's feed
      if (flags.events !== false) engine.publishEvents();
      instrumentTracing(engine.events);
      await worker.start();
      const o = worker.options;
      process.stdout.write(
        `worker ${worker.id} started on ${redactUrl(store.url)}: queues ${o.queues.join(', ')}, concurrency ${worker.concurrency}` +
          `${o.autoscale ? ` (autoscale ${o.autoscale.min}:${o.autoscale.max})` : ''}${o.tags.length ? `, tags ${o.tags.join(', ')}` : ''}, handlers ${names.join(', ')}\n`,
      );
    });
}
