import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TaskwrightError, ValidationError } from '../../core/errors.js';
import type { EnqueueOptions } from '../../core/options.js';
import { compileJobOptions, DEFAULT_QUEUE } from '../../core/options.js';
import type { Taskwright } from '../../runtime/engine.js';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { JOB_OPTION_FLAG_HELP, jobOptionsFrom, type JobOptionFlags } from '../job-option-flags.js';
import { duration, isoTime, json } from '../parse-flags.js';

interface EnqueueFlags extends JobOptionFlags {
  payload?: string;
  payloads?: string;
  delay?: string;
  runAt?: string;
  key?: string;
}

function optionsFrom(flags: EnqueueFlags): EnqueueOptions {
  if (flags.delay !== undefined && flags.runAt !== undefined) throw new ValidationError('expected either --delay or --run-at, got both');
  const options = jobOptionsFrom(flags);
  const delay = duration('--delay', flags.delay);
  if (delay !== undefined) options.delay = delay;
  const runAt = isoTime('--run-at', flags.runAt);
  if (runAt !== undefined) options.runAt = runAt;
  if (flags.key !== undefined) options.idempotencyKey = flags.key;
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
  const command = program
    .command('enqueue')
    .description('enqueue a job (or one job per line of a JSON-lines file)')
    .argument('<name>', 'job name (the handler to run)')
    .option('--payload <json>', 'the payload as JSON')
    .option('--payloads <file.jsonl>', 'enqueue one job per line, in bulk (- reads stdin)')
    .option('--delay <duration>', 'run no sooner than this long from now, e.g. 5s')
    .option('--run-at <iso>', 'run no sooner than this time')
    .option('--key <key>', 'idempotency key: a second enqueue returns the first job');
  for (const [flag, help] of JOB_OPTION_FLAG_HELP) command.option(flag, help);
  command
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
