import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJobs, printJson } from '../output.js';
import { positiveInt } from '../parse-flags.js';

export function registerDlq(program: Command, globals: () => GlobalOptions): void {
  const dlq = program.command('dlq').description('the dead-letter queue');

  dlq
    .command('list')
    .description('list dead jobs')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (flags: { limit?: string }) => {
      const limit = positiveInt('--limit', flags.limit) ?? 100;
      await withEngine(globals(), async (engine) => {
        const jobs = await engine.listDeadLetters(limit);
        if (globals().json) printJson(jobs);
        else printJobs(jobs);
      });
    });

  dlq
    .command('redrive')
    .description('move dead jobs back to their queue (all or nothing: every id must be dead)')
    .argument('[ids...]', 'job ids')
    .option('--all', 'every dead job')
    .action(async (ids: string[], flags: { all?: boolean }) => {
      if (flags.all && ids.length) throw new ValidationError('expected job ids or --all, got both');
      if (!flags.all && ids.length === 0) throw new ValidationError('expected job ids or --all, got neither');
      await withEngine(globals(), async (engine) => {
        const redriven = await engine.redrive(flags.all ? 'all' : [...new Set(ids)]);
        if (globals().json) printJson({ redriven });
        else process.stdout.write(`redrove ${redriven.length} job${redriven.length === 1 ? '' : 's'}${redriven.length ? `: ${redriven.join(', ')}` : ''}\n`);
      });
    });
}
