import { parseDuration } from '../core/duration.js';
import { ValidationError, describeValue } from '../core/errors.js';
import { PRIORITY_NAMES, parseRate, type PriorityName } from '../core/flow.js';
import { JOB_STATES, type JobState } from '../core/job.js';

/** Flag parsers: each names the flag and what was expected, so bad input gets one clear line. */
export function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new ValidationError(`expected ${flag} to be a positive integer, got ${describeValue(value)}`);
  }
  return Number(value);
}

export function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new ValidationError(`expected ${flag} to be an integer, got ${describeValue(value)}`);
  return Number(value);
}

export function duration(flag: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDuration(value, flag);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 date or date-time. Stricter than Date.parse, which takes `1` or `2026-02-31`. */
export function isoTime(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parts = ISO_DATE.exec(value.trim());
  const time = parts ? Date.parse(value.trim()) : NaN;
  const [year, month, day] = (parts?.slice(1, 4) ?? []).map(Number) as [number, number, number];
  const realDay = parts !== null && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day && month >= 1 && month <= 12;
  if (!Number.isFinite(time) || !realDay) {
    throw new ValidationError(`expected ${flag} to be an ISO date like 2026-01-31T12:00:00Z, got ${describeValue(value)}`);
  }
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

/** `high`, `normal`, `low` or an integer. */
export function priority(flag: string, value: string | undefined): number | PriorityName | undefined {
  if (value === undefined) return undefined;
  if (value in PRIORITY_NAMES) return value as PriorityName;
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ValidationError(`expected ${flag} to be high, normal, low or an integer, got ${describeValue(value)}`);
  }
  return Number(value);
}

/** `N/DURATION`, e.g. `10/1s`. */
export function rate(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  parseRate(flag, value);
  return value;
}

/** `MIN:MAX`, e.g. `2:20`. */
export function range(flag: string, value: string | undefined): { min: number; max: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+):(\d+)$/.exec(value);
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || min < 1 || max < min || max > 10_000) {
    throw new ValidationError(`expected ${flag} to be MIN:MAX with 1 <= MIN <= MAX <= 10000, got ${describeValue(value)}`);
  }
  return { min, max };
}
