import { ValidationError, describeValue } from './errors.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d|w)/gy;

/**
 * ISO 8601 durations (`PT3H`, `P1DT12H`, `PT0.5S`, `P2W`). Years and months are refused: their
 * length depends on the calendar, and a timer needs a fixed number of milliseconds.
 */
const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const ISO_CALENDAR = /^P(?:\d+(?:\.\d+)?[YM])/i;
const ISO_UNITS_MS = [UNIT_MS.w, UNIT_MS.d, UNIT_MS.h, UNIT_MS.m, UNIT_MS.s] as number[];

/** Milliseconds of an ISO 8601 duration, or undefined when `text` is not one. */
function parseIsoDuration(text: string, field: string, value: string): number | undefined {
  if (!/^P/i.test(text)) return undefined;
  if (ISO_CALENDAR.test(text)) {
    throw new ValidationError(`expected ${field} to be a duration of fixed length (weeks, days, hours, minutes, seconds), got ${describeValue(value)}: years and months vary in length`, { field });
  }
  const match = ISO.exec(text);
  const parts = match?.slice(1) ?? [];
  // "P" and "PT" alone match the pattern with every part empty: they name no duration.
  if (!match || parts.every((part) => part === undefined) || /T$/i.test(text)) {
    throw new ValidationError(`expected ${field} to be a duration like 30s, 1m30s, 500ms or PT3H, got ${describeValue(value)}`, { field });
  }
  return Math.round(parts.reduce((total, part, i) => total + (part === undefined ? 0 : Number(part) * (ISO_UNITS_MS[i] as number)), 0));
}

/** A duration as milliseconds or as text such as `500ms`, `5s`, `1m30s`, `2h`, `7d`, or ISO 8601 `PT3H`. */
export type Duration = number | string;

/**
 * Parses a duration into whole milliseconds. `field` names the option in the error message,
 * e.g. `expected timeout to be a duration like 30s or 500ms, got "5 parsecs"`.
 */
export function parseDuration(value: Duration, field = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new ValidationError(`expected ${field} to be a non-negative number of milliseconds, got ${describeValue(value)}`, { field });
    }
    return Math.round(value);
  }
  if (typeof value !== 'string') {
    throw new ValidationError(`expected ${field} to be a duration like 30s or 500ms, got ${describeValue(value)}`, { field });
  }
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const iso = parseIsoDuration(text, field, value);
  if (iso !== undefined) return iso;
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match; match = PART.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length) {
    throw new ValidationError(`expected ${field} to be a duration like 30s, 1m30s, 500ms or PT3H, got ${describeValue(value)}`, { field });
  }
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6000) / 10}m`;
  return `${Math.round(ms / 360_000) / 10}h`;
}
