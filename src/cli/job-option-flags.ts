import type { EnqueueOptions } from '../core/options.js';
import { duration, list, positiveInt, priority as priorityFlag } from './parse-flags.js';

/** The flags that shape a job, shared by `enqueue` and the jobs a schedule fires. */
export interface JobOptionFlags {
  queue?: string;
  priority?: string;
  attempts?: string;
  backoff?: string;
  timeout?: string;
  tags?: string;
  group?: string;
  concurrencyKey?: string;
  rateKey?: string;
  breakerKey?: string;
  requireTags?: string;
}

/** [flag, help] pairs for commander, in the order `--help` shows them. */
export const JOB_OPTION_FLAG_HELP: [string, string][] = [
  ['--queue <queue>', 'queue name (default: default)'],
  ['--priority <p>', 'high, normal, low or an integer; higher runs first, waiting jobs age upwards (default normal = 0)'],
  ['--attempts <n>', 'total attempts including the first (default 3)'],
  ['--backoff <duration>', 'base retry delay, doubled each attempt (default 1s)'],
  ['--timeout <duration>', 'abort an attempt after this long'],
  ['--tags <a,b>', 'comma-separated labels (for listing and stats)'],
  ['--group <key>', 'fairness group, e.g. a tenant: groups interleave'],
  ['--concurrency-key <key>', "counts against this key's concurrency limit (see limits set)"],
  ['--rate-key <key>', "counts against this key's rate limit"],
  ['--breaker-key <key>', 'feeds and is held by this circuit breaker'],
  ['--require-tags <a,b>', 'only workers with all these tags (worker --tags) run the job'],
];

/** Only the options given, each checked with its flag's name in the error. */
export function jobOptionsFrom(flags: JobOptionFlags): EnqueueOptions {
  const options: EnqueueOptions = {};
  const set = <K extends keyof EnqueueOptions>(key: K, value: EnqueueOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('queue', flags.queue);
  set('priority', priorityFlag('--priority', flags.priority));
  set('attempts', positiveInt('--attempts', flags.attempts));
  set('backoff', duration('--backoff', flags.backoff));
  set('timeout', duration('--timeout', flags.timeout));
  set('tags', list(flags.tags));
  set('group', flags.group);
  set('concurrencyKey', flags.concurrencyKey);
  set('rateKey', flags.rateKey);
  set('breakerKey', flags.breakerKey);
  set('requireTags', list(flags.requireTags));
  return options;
}
