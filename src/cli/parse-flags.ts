import { parseDuration } from '../core/duration.js';
import { ValidationError, describeValue } from '../core/errors.js';
import { JOB_STATES, type JobState } from '../core/job.js';

/** Flag parsers: each names the flag and what was expected, so bad input gets one clear line. */
export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new ValidationError(`expected ${flag} to be a positive integer, got ${describeValue(value)}`);
  }
  return Number(value);
}

export function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new ValidationError(`expected ${flag} to be an integer, got ${describeValue(value)}`);
  return Number(value);
}

export function duration(flag: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value, flag);
}

export function isoTime(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (!Number.isFinite(time)) throw new ValidationError(`expected ${flag} to be an ISO date like 2026-01-31T12:00:00Z, got ${describeValue(value)}`);
  return time;
}

export function json(flag: string, value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new ValidationError(`expected ${flag} to be JSON, got ${describeValue(value)} (${(error as Error).message})`);
  }
}

export function jobState(flag: string, value: string | undefined): JobState | undefined {
  if (value === undefined) return undefined;
  if (!(JOB_STATES as readonly string[]).includes(value)) {
    throw new ValidationError(`expected ${flag} to be one of ${JOB_STATES.join(', ')}, got ${describeValue(value)}`);
  }
  return value as JobState;
}

export function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Commander collector for repeatable flags (`--queue a --queue b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
