import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.js';
import { JOB_STATES } from '../../core/job.js';
import { Taskwright } from '../../runtime/engine.js';
import type { GlobalOptions } from '../context.js';
import { devHandlers, devJobs } from '../dev-handlers.js';
import { printTable } from '../output.js';
import { onShutdownSignals } from '../signals.js';
import { openStore, storeUrlFrom } from '../store-url.js';

const QUEUE = 'quickstart';

export function registerDev(program: Command, globals: () => GlobalOptions): void {
  program
    .command('dev')
    .description('run the engine with example handlers and watch it work (the quick start)')
    .option('--keep-running', 'keep the worker running after the examples finish')
    .action(async (flags: { keepRunning?: boolean }) => {
      const storeUrl = storeUrlFrom(globals().store);
      const engine = new Taskwright({ store: openStore(storeUrl) });
      engine.register(...devHandlers);
      await engine.migrate();
      const started = Date.now();
      const say = (line: string): void => {
        process.stdout.write(`${`+${formatDuration(Date.now() - started)}`.padStart(7)}  ${line}\n`);
      };
      const label = new Map<string, string>();
      const tag = (jobId: string, name: string): string => label.get(jobId) ?? `${name}#${jobId}`;
      engine.on('job:started', (e) => say(`start     ${tag(e.jobId, e.name)} (attempt ${e.attempt})`));
      engine.on('job:progress', (e) => say(`progress  ${tag(e.jobId, e.name)} ${JSON.stringify(e.progress)}`));
      engine.on('job:checkpoint', (e) => say(`checkpoint ${tag(e.jobId, e.name)} saved "${e.token}"`));
      engine.on('job:log', (e) => say(`log       #${e.jobId} ${e.message} ${e.fields ? JSON.stringify(e.fields) : ''}`));
      engine.on('job:retrying', (e) => say(`retry     ${tag(e.jobId, e.name)} failed: ${e.error.message}; again in ${formatDuration(e.runAt - Date.now())}`));
      engine.on('job:failed', (e) => say(`${e.state.padEnd(9)} ${tag(e.jobId, e.name)}: ${e.error.message} (kept in the ${e.state === 'dead' ? 'dead-letter queue' : 'failed list'})`));

      say(`Taskwright on ${storeUrl}`);
      const results = await engine.enqueueMany(devJobs.map((j) => ({ name: j.name, payload: j.payload, options: { queue: QUEUE, ...j.options } })));
      results.forEach((r, i) => label.set(r.id, `${devJobs[i]?.name}#${r.id}`));
      say(`enqueued ${results.length} example jobs: ${results.map((r) => label.get(r.id)).join(', ')}`);

      const pending = new Set(results.map((r) => r.id));
      let finish: () => void = () => {};
      const allDone = new Promise<void>((resolve) => (finish = resolve));
      const settle = (jobId: string): void => {
        pending.delete(jobId);
        if (pending.size === 0) finish();
      };
      engine.on('job:completed', (e) => {
        say(`done      ${tag(e.jobId, e.name)} in ${formatDuration(e.durationMs)} -> ${JSON.stringify(e.result)}`);
        settle(e.jobId);
      });
      engine.on('job:failed', (e) => settle(e.jobId));
      engine.on('job:cancelled', (e) => settle(e.jobId));

      const worker = engine.worker({ concurrency: 4, queues: [QUEUE] });
      await worker.start();
      const stop = async (): Promise<void> => {
        await worker.stop(2000);
        await engine.close();
      };
      onShutdownSignals(async () => {
        await stop();
        process.exit(0);
      });
      await allDone;
      say('all example jobs finished');

      const stats = await engine.stats();
      process.stdout.write('\n');
      printTable(
        ['QUEUE', ...JOB_STATES.map((s) => s.toUpperCase())],
        stats.map((q) => [q.queue, ...JOB_STATES.map((s) => q.counts[s])]),
      );
      const storeFlag = globals().store ? ` --store ${globals().store}` : '';
      process.stdout.write(
        [
          '',
          'Next:',
          `  npx taskwright jobs list --queue ${QUEUE}${storeFlag}    # the jobs you just watched`,
          `  npx taskwright jobs get ${results[2]?.id}${storeFlag}    # a job with its result, logs and history`,
          `  npx taskwright dlq list${storeFlag}    # the dead-letter queue (then: dlq redrive --all)`,
          '  npx taskwright worker --handlers examples/handlers.mjs    # a worker for your own handlers',
          '',
        ].join('\n'),
      );
      if (flags.keepRunning) {
        say('worker keeps running (Ctrl-C to stop)');
        return;
      }
      await stop();
    });
}
