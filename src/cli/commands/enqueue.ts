import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TaskwrightError, ValidationError } from '../../core/errors.js';
import type { EnqueueOptions } from '../../core/options.js';
import { compileJobOptions, DEFAULT_QUEUE } from '../../core/options.js';
import type { Taskwright } from '../../runtime/engine.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { duration, isoTime, json, list, positiveInt, priority as priorityFlag } from '../parse-flags.js';

interface EnqueueFlags {
  payload?: string;
  payloads?: string;
  queue?: string;
  priority?: string;
  delay?: string;
  runAt?: string;
  attempts?: string;
  backoff?: string;
  timeout?: string;
  key?: string;
  tags?: string;
  group?: string;
  concurrencyKey?: string;
  rateKey?: string;
  breakerKey?: string;
  requireTags?: string;
}

function optionsFrom(flags: EnqueueFlags): EnqueueOptions {
  if (flags.delay !== undefined && flags.runAt !== undefined) throw new ValidationError('expected either --delay or --run-at, got both');
  const options: EnqueueOptions = {};
  if (flags.queue !== undefined) options.queue = flags.queue;
  const priority = priorityFlag('--priority', flags.priority);
  if (priority !== undefined) options.priority = priority;
  const delay = duration('--delay', flags.delay);
  if (delay !== undefined) options.delay = delay;
  const runAt = isoTime('--run-at', flags.runAt);
  if (runAt !== undefined) options.runAt = runAt;
  const attempts = positiveInt('--attempts', flags.attempts);
  if (attempts !== undefined) options.attempts = attempts;
  const backoff = duration('--backoff', flags.backoff);
  if (backoff !== undefined) options.backoff = backoff;
  const timeout = duration('--timeout', flags.timeout);
  if (timeout !== undefined) options.timeout = timeout;
  if (flags.key !== undefined) options.idempotencyKey = flags.key;
  const tags = list(flags.tags);
  if (tags !== undefined) options.tags = tags;
  if (flags.group !== undefined) options.group = flags.group;
  if (flags.concurrencyKey !== undefined) options.concurrencyKey = flags.concurrencyKey;
  if (flags.rateKey !== undefined) options.rateKey = flags.rateKey;
  if (flags.breakerKey !== undefined) options.breakerKey = flags.breakerKey;
  const requireTags = list(flags.requireTags);
  if (requireTags !== undefined) options.requireTags = requireTags;
  return options;
}

/** One payload per non-empty line (`-` reads stdin); every line is parsed before anything is written. */
function readPayloads(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch {
    throw new ValidationError(`expected --payloads to name a readable JSON-lines file, got ${JSON.stringify(file)}`);
  }
  const payloads: unknown[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    payloads.push(json(`--payloads line ${index + 1}`, line));
  });
  return payloads;
}

const BULK_CHUNK = 1000;

/** Bulk enqueue, one transaction per chunk; a store failure midway says how many were already written. */
async function enqueueInChunks(engine: Taskwright, name: string, payloads: unknown[], options: EnqueueOptions) {
  let written = 0;
  try {
    for (let start = 0; start < payloads.length; start += BULK_CHUNK) {
      const chunk = payloads.slice(start, start + BULK_CHUNK);
      await engine.enqueueMany(chunk.map((payload) => ({ name, payload, options })));
      written += chunk.length;
    }
  } catch (error) {
    if (written === 0) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new TaskwrightError('partial_bulk_enqueue', `enqueued ${written} of ${payloads.length} jobs, then the store failed: ${reason}`);
  }
  return { enqueued: written, name, queue: options.queue ?? DEFAULT_QUEUE };
}

export function registerEnqueue(program: Command, globals: () => GlobalOptions): void {
  program
    .command('enqueue')
    .description('enqueue a job (or one job per line of a JSON-lines file)')
    .argument('<name>', 'job name (the handler to run)')
    .option('--payload <json>', 'the payload as JSON')
    .option('--payloads <file.jsonl>', 'enqueue one job per line, in bulk (- reads stdin)')
    .option('--queue <queue>', 'queue name (default: default)')
    .option('--priority <p>', 'high, normal, low or an integer; higher runs first, waiting jobs age upwards (default normal = 0)')
    .option('--delay <duration>', 'run no sooner than this long from now, e.g. 5s')
    .option('--run-at <iso>', 'run no sooner than this time')
    .option('--attempts <n>', 'total attempts including the first (default 3)')
    .option('--backoff <duration>', 'base retry delay, doubled each attempt (default 1s)')
    .option('--timeout <duration>', 'abort an attempt after this long')
    .option('--key <key>', 'idempotency key: a second enqueue returns the first job')
    .option('--tags <a,b>', 'comma-separated labels (for listing and stats)')
    .option('--group <key>', 'fairness group, e.g. a tenant: groups interleave')
    .option('--concurrency-key <key>', 'counts against this key\'s concurrency limit (see limits set)')
    .option('--rate-key <key>', 'counts against this key\'s rate limit')
    .option('--breaker-key <key>', 'feeds and is held by this circuit breaker')
    .option('--require-tags <a,b>', 'only workers with all these tags (worker --tags) run the job')
    .action(async (name: string, flags: EnqueueFlags) => {
      if (flags.payload !== undefined && flags.payloads !== undefined) throw new ValidationError('expected either --payload or --payloads, got both');
      const options = optionsFrom(flags);
      if (flags.payloads !== undefined) {
        if (flags.key !== undefined) throw new ValidationError('expected --key with a single --payload, not with --payloads (every line would share one key)');
        const payloads = readPayloads(flags.payloads);
        // Validate every job before the first write, so bad input changes nothing.
        payloads.forEach((payload) => compileJobOptions(name, payload, options, Date.now()));
        await withEngine(globals(), async (engine) => {
          const summary = await enqueueInChunks(engine, name, payloads, options);
          if (globals().json) printJson(summary);
          else process.stdout.write(`enqueued ${summary.enqueued} ${name} job${summary.enqueued === 1 ? '' : 's'}\n`);
        });
        return;
      }
      const payload = json('--payload', flags.payload);
      compileJobOptions(name, payload, options, Date.now());
      await withEngine(globals(), async (engine) => {
        const result = await engine.enqueue(name, payload, options);
        if (globals().json) printJson(result);
        else process.stdout.write(`job ${result.id} ${result.state}${result.deduplicated ? ' (deduplicated: an existing job has this key)' : ''}\n`);
      });
    });
}
