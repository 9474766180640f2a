import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { compileLimit, validateFlowKey, type FlowLimit, type LimitInput } from '../../core/flow.js';
import { formatDuration } from '../../core/duration.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson, printTable } from '../output.js';
import { positiveInt, rate } from '../parse-flags.js';

const describeRate = (limit: FlowLimit): string => (limit.rate ? `${limit.rate.count}/${formatDuration(limit.rate.intervalMs)}` : '-');

export function registerLimits(program: Command, globals: () => GlobalOptions): void {
  const limits = program.command('limits').description('concurrency and rate limits per key (queue:NAME limits a whole queue)');

  limits
    .command('set')
    .description('set the limit of a key, across every worker')
    .argument('<key>', 'e.g. tenant:42, api:stripe or queue:mail')
    .option('--concurrency <n>', 'at most N of its jobs running at once')
    .option('--rate <n/duration>', 'at most N starts per interval, e.g. 10/1s')
    .action(async (key: string, flags: { concurrency?: string; rate?: string }) => {
      const input: LimitInput = {};
      const concurrency = positiveInt('--concurrency', flags.concurrency);
      if (concurrency !== undefined) input.concurrency = concurrency;
      const perInterval = rate('--rate', flags.rate);
      if (perInterval !== undefined) input.rate = perInterval;
      if (concurrency === undefined && perInterval === undefined) throw new ValidationError('expected --concurrency and/or --rate, got neither');
      compileLimit(key, input); // checked before the store is opened
      await withEngine(globals(), async (engine) => {
        const limit = await engine.setLimit(key, input);
        if (globals().json) printJson(limit);
        else process.stdout.write(`limit ${limit.key}: concurrency ${limit.concurrency ?? '-'}, rate ${describeRate(limit)}\n`);
      });
    });

  limits
    .command('list')
    .description('list limits')
    .action(async () => {
      await withEngine(globals(), async (engine) => {
        const all = await engine.listLimits();
        if (globals().json) return printJson(all);
        if (all.length === 0) return void process.stdout.write('no limits\n');
        printTable(['KEY', 'CONCURRENCY', 'RATE'], all.map((l) => [l.key, l.concurrency ?? '-', describeRate(l)]));
      });
    });

  limits
    .command('delete')
    .description('remove the limit of a key')
    .argument('<key>', 'the key')
    .action(async (key: string) => {
      validateFlowKey('limit key', key);
      await withEngine(globals(), async (engine) => {
        await engine.deleteLimit(key);
        if (globals().json) printJson({ deleted: key });
        else process.stdout.write(`deleted limit ${key}\n`);
      });
    });
}
