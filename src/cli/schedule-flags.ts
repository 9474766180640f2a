import { ValidationError, describeValue } from '../core/errors.js';
import { CATCH_UP_POLICIES, OVERLAP_POLICIES, type ScheduleInput } from '../core/schedule.js';
import { JOB_OPTION_FLAG_HELP, jobOptionsFrom, type JobOptionFlags } from './job-option-flags.js';
import { isoTime, json, positiveInt } from './parse-flags.js';

/** The flags `schedules create` and `schedules update` share. */
export interface ScheduleFlags extends JobOptionFlags {
  cron?: string;
  tz?: string;
  every?: string;
  at?: string;
  job?: string;
  workflow?: string;
  payload?: string;
  start?: string;
  end?: string;
  maxRuns?: string;
  overlap?: string;
  catchUp?: string;
  catchUpWindow?: string;
}

const SCHEDULE_ONLY_FLAG_HELP: [string, string][] = [
  ['--cron <expr>', 'cron expression, 5 fields or 6 with seconds first (quote it)'],
  ['--tz <zone>', 'IANA time zone the cron expression is read in (default UTC)'],
  ['--every <duration>', 'fire at a fixed interval, e.g. 15m'],
  ['--at <iso>', 'fire once at this time'],
  ['--job <name>', 'enqueue this job at each fire'],
  ['--workflow <name>', 'start a run of this workflow at each fire'],
  ['--payload <json>', 'the fixed payload (workflow input) as JSON'],
  ['--start <iso>', 'fire no sooner than this'],
  ['--end <iso>', 'fire no later than this'],
  ['--max-runs <n>', 'stop after this many fires'],
  ['--overlap <policy>', 'while the last fired job is unfinished: skip (default), allow, queue-one'],
  ['--catch-up <policy>', 'due times missed while no worker ran: none, latest (default), all'],
  ['--catch-up-window <duration>', 'with latest or all, how far back to catch up (default 1d)'],
];

export const SCHEDULE_FLAG_HELP: [string, string][] = [...SCHEDULE_ONLY_FLAG_HELP, ...JOB_OPTION_FLAG_HELP];

function oneOf(flag: string, values: readonly string[], value: string | undefined): string | undefined {
  if (value !== undefined && !values.includes(value)) throw new ValidationError(`expected ${flag} to be one of ${values.join(', ')}, got ${describeValue(value)}`);
  return value;
}

/** Flags to a schedule input: only the fields given (so an update changes only those). */
export function scheduleInputFrom(flags: ScheduleFlags): ScheduleInput {
  const input: ScheduleInput = {};
  const set = <K extends keyof ScheduleInput>(key: K, value: ScheduleInput[K] | undefined) => {
    if (value !== undefined) input[key] = value;
  };
  set('cron', flags.cron);
  set('timezone', flags.tz);
  set('every', flags.every); // checked by compileSchedule, so the stored input keeps the text (15m)
  set('at', isoTime('--at', flags.at));
  set('job', flags.job);
  set('workflow', flags.workflow);
  if (flags.payload !== undefined) input.payload = json('--payload', flags.payload);
  set('start', isoTime('--start', flags.start));
  set('end', isoTime('--end', flags.end));
  set('maxRuns', positiveInt('--max-runs', flags.maxRuns));
  set('overlap', oneOf('--overlap', OVERLAP_POLICIES, flags.overlap) as ScheduleInput['overlap']);
  set('catchUp', oneOf('--catch-up', CATCH_UP_POLICIES, flags.catchUp) as ScheduleInput['catchUp']);
  set('catchUpWindow', flags.catchUpWindow);
  const options = jobOptionsFrom(flags);
  if (Object.keys(options).length > 0) input.options = options;
  return input;
}

const FLAG_OF: Record<string, string> = {
  cron: '--cron',
  timezone: '--tz',
  every: '--every',
  at: '--at',
  start: '--start',
  end: '--end',
  maxRuns: '--max-runs',
  overlap: '--overlap',
  catchUp: '--catch-up',
  catchUpWindow: '--catch-up-window',
};

/** Named flags for the one-line errors: `--every` rather than `every`. */
export function withFlagNames(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const renamed = error.message
    .replace(/^expected (\w+) to be/, (whole, field: string) => (FLAG_OF[field] ? `expected ${FLAG_OF[field]} to be` : whole))
    .replace(/^expected exactly one of cron, every or at, got (none|cron and every|cron and at|every and at|cron and every and at)$/, (_m, got: string) =>
      `expected exactly one of --cron, --every or --at, got ${got === 'none' ? 'none' : got.split(' and ').map((f) => `--${f}`).join(' and ')}`)
    .replace(/^expected exactly one of job or workflow, got (neither|both)$/, 'expected exactly one of --job or --workflow, got $1')
    .replace(/^expected timezone only with cron/, 'expected --tz only with --cron');
  return renamed === error.message ? error : new ValidationError(renamed, error.details);
}
