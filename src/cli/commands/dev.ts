import type { Command } from 'commander';
import { TaskwrightError } from '../../core/errors.js';
import { JOB_STATES } from '../../core/job.js';
import type { Taskwright } from '../../runtime/engine.js';
import type { TaskwrightServer } from '../../server/server.js';
import { openEngine, type GlobalOptions } from '../context.js';
import { authNote, portFlag } from './serve.js';
import { devHandlers, devJobs } from '../dev-handlers.js';
import { narrate } from '../dev-narrator.js';
import { printTable } from '../output.js';
import { onShutdownSignals } from '../signals.js';
import { chooseStore, parseStoreUrl, redactUrl, type StoreChoice } from '../store-url.js';

const isMemoryStore = (choice: StoreChoice): boolean => {
  const spec = parseStoreUrl(choice);
  return spec.driver === 'sqlite' && spec.path === ':memory:';
};

const QUEUE = 'quickstart';
/** The examples take about 2.5s; past this something is wrong (e.g. another worker took the jobs). */
const GIVE_UP_MS = 60_000;

/** Resolves once every id has reached a terminal state (completed, failed, dead or cancelled). */
function whenAllFinished(engine: Taskwright, ids: string[]): Promise<void> {
  const pending = new Set(ids);
  return new Promise((resolve) => {
    const settle = ({ jobId }: { jobId: string }): void => {
      pending.delete(jobId);
      if (pending.size === 0) resolve();
    };
    engine.on('job:completed', settle);
    engine.on('job:failed', settle);
    engine.on('job:cancelled', settle);
  });
}

async function printSummary(engine: Taskwright): Promise<void> {
  const [queues, checkpoints] = [await engine.stats(), await engine.checkpointStats()];
  process.stdout.write('\n');
  printTable(['QUEUE', ...JOB_STATES.map((s) => s.toUpperCase())], queues.map((q) => [q.queue, ...JOB_STATES.map((s) => q.counts[s])]));
  process.stdout.write(`checkpoints kept: ${checkpoints.count} (${checkpoints.totalBytes} bytes; a job drops its checkpoint when it completes)\n`);
}

function printNextSteps(storeFlag: string, jobWithHistory: string | undefined): void {
  const tw = `npx taskwright`;
  const rows: [string, string][] = [
    [`${tw} jobs list --queue ${QUEUE}${storeFlag}`, 'the jobs you just watched'],
    [`${tw} jobs get ${jobWithHistory ?? '<id>'}${storeFlag}`, 'one job: payload, result, logs and state history'],
    [`${tw} dlq list${storeFlag}`, 'the dead-letter queue (then: dlq redrive --all)'],
    [`${tw} stats${storeFlag}`, 'counts per queue and state'],
    [`${tw} worker --handlers ./handlers.mjs${storeFlag}`, 'run your own handlers (see below)'],
    [`${tw} enqueue email.send --payload '{"to":"ada@example.com"}'${storeFlag}`, 'give that worker a job'],
  ];
  const width = Math.max(...rows.map(([command]) => command.length));
  process.stdout.write(`\nNext:\n${rows.map(([command, why]) => `  ${command.padEnd(width)}  # ${why}`).join('\n')}\n`);
  process.stdout.write(
    [
      '',
      'A handlers file exports handler functions by job name:',
      "  // handlers.mjs",
      "  export default {",
      "    'email.send': async (payload, ctx) => { await ctx.log('sending', payload); return { sent: true }; },",
      '  };',
      '',
    ].join('\n'),
  );
}

/** The API server beside the examples, on `port` or, when that is taken, on any free port. */
async function startDevServer(engine: Taskwright, port: number): Promise<TaskwrightServer> {
  // loaded here, not at the top: every other CLI command starts faster without the HTTP stack
  const { createServer } = await import('../../server/server.js');
  const server = createServer({ engine, port });
  try {
    await server.listen();
    return server;
  } catch (error) {
    await server.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const fallback = createServer({ engine, port: 0 });
    await fallback.listen();
    return fallback;
  }
}

export function registerDev(program: Command, globals: () => GlobalOptions): void {
  program
    .command('dev')
    .description('run the engine with example handlers and watch it work (the quick start)')
    .option('--keep-running', 'keep the worker (and the server, if any) running after the examples finish (the default while the server runs; Ctrl-C to stop)')
    .option('--exit', 'exit once the examples finish, even with the server and dashboard running')
    .option('--port <port>', 'port of the API server (a free one when taken)', '7070')
    .option('--no-server', 'do not start the API server')
    .action(async (flags: { keepRunning?: boolean; exit?: boolean; port: string; server: boolean }) => {
      const port = portFlag(flags.port);
      const store = chooseStore(globals().store);
      const engine = await openEngine(globals());
      engine.register(...devHandlers);
      await engine.migrate();

      const labels = new Map<string, string>();
      const labelOf = (jobId: string, name: string): string => labels.get(jobId) ?? `${name || 'job'}#${jobId}`;
      const say = narrate(engine, Date.now(), labelOf);
      say(`Taskwright dev on ${redactUrl(store.url)}, queue ${QUEUE}`);

      const results = await engine.enqueueMany(devJobs.map((j) => ({ name: j.name, payload: j.payload, options: { queue: QUEUE, ...j.options } })));
      results.forEach((r, i) => labels.set(r.id, `${devJobs[i]?.name}#${r.id}`));
      say(`enqueued ${results.length} example jobs:`);
      const width = Math.max(...results.map((r) => labelOf(r.id, '').length));
      results.forEach((r, i) => process.stdout.write(`           ${labelOf(r.id, '').padEnd(width)}  ${devJobs[i]?.shows}\n`));

      const allFinished = whenAllFinished(engine, results.map((r) => r.id));
      const worker = engine.worker({ concurrency: 4, queues: [QUEUE], pollInterval: 250 });
      const server = flags.server ? await startDevServer(engine, port) : null;
      if (server) {
        say(`API and live events on ${server.url} (try ${server.url}/api/jobs?queue=${QUEUE}); ${authNote(server)}`);
        if (server.dashboard) say(`Dashboard: ${server.url}/ (open it to watch and steer the jobs)`);
      }
      const stop = async (): Promise<void> => {
        await server?.close();
        await worker.stop(2000);
        await engine.close();
      };
      onShutdownSignals(async () => {
        await stop();
        process.exit(0);
      });
      await worker.start();

      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new TaskwrightError('dev_timeout', `the example jobs did not finish within ${GIVE_UP_MS / 1000}s; is another worker taking jobs from queue ${QUEUE}?`)),
          GIVE_UP_MS,
        );
      });
      try {
        await Promise.race([allFinished, gaveUp]);
      } catch (error) {
        await stop();
        throw error;
      } finally {
        clearTimeout(timer);
      }
      say('all example jobs finished');
      await printSummary(engine);
      const storeFlag = store.source === '--store' ? ` --store ${store.url}` : '';
      if (isMemoryStore(store)) {
        process.stdout.write('\nThis store lives in memory and is gone now that dev exits; use a file store (the default) to look at the jobs afterwards.\n');
      } else {
        printNextSteps(storeFlag, results.find((_, i) => devJobs[i]?.name === 'thumbnails.render')?.id);
      }

      // with the server up, dev stays so the dashboard has something live to show
      if (flags.keepRunning || (server && !flags.exit)) {
        say(`worker keeps running on queue ${QUEUE}${server ? `, API on ${server.url}${server.dashboard ? `, dashboard on ${server.url}/` : ''}` : ''} (Ctrl-C to stop); try: npx taskwright enqueue greet --payload '{"name":"you"}' --queue ${QUEUE}${storeFlag}`);
        return;
      }
      await stop();
    });
}
