import { createRequire } from 'node:module';
import type { Cron as CronClass } from 'croner';
import { ValidationError, describeValue } from './errors.js';

// Loaded on the first cron expression: a store driver (and its heartbeat thread) that never meets
// one does not pay for the library at startup.
let CronLoaded: typeof CronClass | null = null;
const loadCron = (): typeof CronClass => (CronLoaded ??= (createRequire(import.meta.url)('croner') as { Cron: typeof CronClass }).Cron);

/**
 * Cron expressions with 5 fields (minute precision) or 6 (seconds first), read in an IANA time
 * zone. The cron library follows the classic cron rules at daylight-saving changes: a fixed time
 * that falls in the spring gap runs right after the gap, a fixed time that occurs twice in the
 * autumn runs once, and interval patterns (every hour, every 15 minutes) run on real elapsed time.
 */
export interface CronSchedule {
  expression: string;
  timezone: string;
  /** the first fire time strictly after `after`, or null when the pattern never fires again */
  next(after: number): number | null;
  /** the last fire time at or before `at`, or null when there is none */
  latest(at: number): number | null;
}

const compiled = new Map<string, CronClass>();

export function validateTimezone(timezone: unknown, field = 'timezone'): string {
  if (typeof timezone !== 'string' || timezone.length === 0) {
    throw new ValidationError(`expected ${field} to be an IANA time zone like Europe/Berlin, got ${describeValue(timezone)}`, { field });
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ValidationError(`expected ${field} to be an IANA time zone like Europe/Berlin, got ${describeValue(timezone)}`, { field });
  }
  return timezone;
}

/** Parses and checks an expression once; later calls with the same text and zone reuse it. */
export function compileCron(expression: unknown, timezone: unknown = 'UTC', field = 'cron'): CronSchedule {
  const zone = validateTimezone(timezone, field === 'cron' ? 'timezone' : `${field} timezone`);
  const fields = typeof expression === 'string' ? expression.trim().split(/\s+/) : [];
  if (typeof expression !== 'string' || (fields.length !== 5 && fields.length !== 6)) {
    throw new ValidationError(
      `expected ${field} to be a cron expression of 5 fields (minute hour day month weekday) or 6 (seconds first), got ${describeValue(expression)}`,
      { field },
    );
  }
  const text = fields.join(' ');
  const key = `${zone}\n${text}`;
  let cron = compiled.get(key);
  if (!cron) {
    try {
      const Cron = loadCron();
      cron = new Cron(text, { timezone: zone, paused: true, mode: '5-or-6-parts' });
    } catch (error) {
      throw new ValidationError(`expected ${field} to be a valid cron expression, got ${describeValue(expression)} (${(error as Error).message})`, { field });
    }
    compiled.set(key, cron);
  }
  const pattern = cron;
  return {
    expression: text,
    timezone: zone,
    next(after: number): number | null {
      const at = pattern.nextRun(new Date(after));
      return at === null ? null : at.getTime();
    },
    latest(at: number): number | null {
      const [previous] = pattern.previousRuns(1, new Date(at + 1));
      return previous === undefined ? null : previous.getTime();
    },
  };
}
