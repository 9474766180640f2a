import type { Command } from 'commander';
import type { Taskwright } from '../../runtime/engine.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { formatTime, printJob, printJobs, printJson } from '../output.js';
import { jobState, positiveInt } from '../parse-flags.js';

interface ListFlags {
  state?: string;
  queue?: string;
  name?: string;
  tag?: string;
  limit?: string;
}

/** Prints a job (or workflow run) with its history, steps and logs. */
export async function showJob(engine: Taskwright, id: string, asJson: boolean): Promise<void> {
  const details = await engine.getJobDetails(id);
  if (asJson) return printJson(details);
  printJob(details.job);
  process.stdout.write('\nhistory\n');
  for (const t of details.transitions) {
    process.stdout.write(`  ${formatTime(t.at)}  ${(t.from ?? '-').padEnd(9)} -> ${t.to.padEnd(9)} attempt ${t.attempt}${t.reason ? `  ${t.reason}` : ''}\n`);
  }
  if (details.steps.length) process.stdout.write('\nsteps\n');
  for (const s of details.steps) {
    const took = s.finishedAt === null ? '' : ` ${s.finishedAt - s.startedAt}ms`;
    process.stdout.write(`  ${s.seq}. ${s.stepId.padEnd(20)} ${s.status.padEnd(9)} attempts ${s.attempts}${took}${s.error ? `  ${s.error.message}` : ''}\n`);
  }
  if (details.logs.length) process.stdout.write('\nlogs\n');
  for (const log of details.logs) {
    process.stdout.write(`  ${formatTime(log.at)}  [${log.level}] ${log.message}${log.fields ? ` ${JSON.stringify(log.fields)}` : ''}\n`);
  }
}

export function registerJobs(program: Command, globals: () => GlobalOptions): void {
  const jobs = program.command('jobs').description('inspect and control jobs');

  jobs
    .command('get')
    .description('show a job with its logs and transition history')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      await withEngine(globals(), (engine) => showJob(engine, id, globals().json === true));
    });

  jobs
    .command('list')
    .description('list jobs, newest first')
    .option('--state <state>', 'scheduled, queued, running, completed, failed, dead or cancelled')
    .option('--queue <queue>', 'only this queue')
    .option('--name <name>', 'only jobs with this name')
    .option('--tag <tag>', 'only jobs with this tag')
    .option('--limit <n>', 'at most this many (default 50)')
    .action(async (flags: ListFlags) => {
      const state = jobState('--state', flags.state);
      const limit = positiveInt('--limit', flags.limit) ?? 50;
      await withEngine(globals(), async (engine) => {
        const list = await engine.listJobs({ state, queue: flags.queue, name: flags.name, tag: flags.tag, limit });
        if (globals().json) printJson(list);
        else printJobs(list);
      });
    });

  jobs
    .command('cancel')
    .description('cancel a job: a waiting job never starts, a running one is aborted')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      await withEngine(globals(), async (engine) => {
        const job = await engine.cancel(id);
        if (globals().json) return printJson(job);
        process.stdout.write(job.state === 'cancelled' ? `job ${id} cancelled\n` : `job ${id} is running: its worker was asked to abort it\n`);
      });
    });

  jobs
    .command('retry')
    .description('run a failed, dead or cancelled job again')
    .argument('<id>', 'job id')
    .action(async (id: string) => {
      await withEngine(globals(), async (engine) => {
        const job = await engine.retry(id);
        if (globals().json) printJson(job);
        else process.stdout.write(`job ${id} queued again\n`);
      });
    });
}
