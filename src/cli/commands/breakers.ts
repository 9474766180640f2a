import type { Command } from 'commander';
import { formatDuration } from '../../core/duration.js';
import { ValidationError, describeValue } from '../../core/errors.js';
import { compileBreakerConfig, validateFlowKey, type BreakerInput } from '../../core/flow.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { formatTime, printJson, printTable } from '../output.js';
import { duration, positiveInt } from '../parse-flags.js';

interface BreakerFlags {
  failures?: string;
  errorRate?: string;
  window?: string;
  minCalls?: string;
  cooldown?: string;
}

function breakerInput(flags: BreakerFlags): BreakerInput {
  const input: BreakerInput = {};
  const failures = positiveInt('--failures', flags.failures);
  if (failures !== undefined) input.failures = failures;
  if (flags.errorRate !== undefined) {
    const rate = Number(flags.errorRate);
    if (!/^\d*\.?\d+$/.test(flags.errorRate) || !(rate > 0 && rate <= 1)) {
      throw new ValidationError(`expected --error-rate to be a fraction in (0, 1], got ${describeValue(flags.errorRate)}`);
    }
    input.errorRate = rate;
  }
  const window = duration('--window', flags.window);
  if (window !== undefined) input.window = window;
  const minCalls = positiveInt('--min-calls', flags.minCalls);
  if (minCalls !== undefined) input.minCalls = minCalls;
  const cooldown = duration('--cooldown', flags.cooldown);
  if (cooldown !== undefined) input.cooldown = cooldown;
  compileBreakerConfig(input);
  return input;
}

export function registerBreakers(program: Command, globals: () => GlobalOptions): void {
  const breakers = program.command('breakers').description('circuit breakers per key (jobs join one with --breaker-key)');

  breakers
    .command('list')
    .description('list breakers with their state')
    .action(async () => {
      await withEngine(globals(), async (engine) => {
        const all = await engine.listBreakers();
        if (globals().json) return printJson(all);
        if (all.length === 0) return void process.stdout.write('no breakers\n');
        printTable(
          ['KEY', 'STATE', 'FAILURES', 'WINDOW', 'OPENS AT', 'COOL-DOWN', 'CHANGED', 'REASON'],
          all.map((b) => [
            b.key,
            b.state,
            b.consecutiveFailures,
            `${b.windowFailures}/${b.windowCalls}`,
            `${b.failureThreshold} in a row${b.errorRate === null ? '' : ` or ${b.errorRate} of ${b.minCalls}+`}`,
            formatDuration(b.cooldownMs),
            formatTime(b.changedAt || null),
            b.reason ?? '',
          ]),
        );
      });
    });

  breakers
    .command('set')
    .description('configure a breaker (unset options keep the defaults: 5 failures, 30s cool-down)')
    .argument('<key>', 'the breaker key, e.g. api:stripe')
    .option('--failures <n>', 'open after N consecutive failures')
    .option('--error-rate <fraction>', 'also open when this share of calls in the window failed, e.g. 0.5')
    .option('--window <duration>', 'the error-rate window (default 1m)')
    .option('--min-calls <n>', 'the error rate counts once the window saw N calls (default 10)')
    .option('--cooldown <duration>', 'stay open this long before a probe goes through')
    .action(async (key: string, flags: BreakerFlags) => {
      validateFlowKey('breaker key', key);
      const input = breakerInput(flags);
      await withEngine(globals(), async (engine) => {
        await engine.configureBreaker(key, input);
        if (globals().json) printJson({ configured: key, ...compileBreakerConfig(input) });
        else process.stdout.write(`breaker ${key} configured\n`);
      });
    });

  breakers
    .command('reset')
    .description('close a breaker now and clear its counters')
    .argument('<key>', 'the breaker key')
    .action(async (key: string) => {
      validateFlowKey('breaker key', key);
      await withEngine(globals(), async (engine) => {
        await engine.resetBreaker(key);
        if (globals().json) printJson({ reset: key });
        else process.stdout.write(`breaker ${key} closed\n`);
      });
    });
}
