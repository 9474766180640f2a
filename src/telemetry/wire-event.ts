import type { EngineEventName, EngineEvents } from './events.js';

/** An engine event as it travels to clients and across processes: its name, an ISO time and its fields. */
export interface WireEvent {
  type: string;
  timestamp: string;
  [field: string]: unknown;
}

/** The events that leave the process (feed, WebSocket): job states, log lines, runs and steps, workers, schedules, breakers. */
export const WIRE_EVENTS = [
  'job:enqueued', 'job:started', 'job:completed', 'job:retrying', 'job:failed', 'job:snoozed', 'job:cancelled',
  'job:released', 'job:rescued', 'job:progress', 'job:checkpoint', 'job:log',
  'run:started', 'run:completed', 'run:failed', 'run:cancelled', 'step:started', 'step:completed', 'step:failed',
  'worker:started', 'worker:stopping', 'worker:stopped', 'worker:error', 'worker:scaled',
  'schedule:fired', 'breaker:changed',
] as const satisfies readonly EngineEventName[];

/** Results and outputs above this size are replaced by a note: events are signals, not a data channel. */
const MAX_VALUE_CHARS = 8192;

function boundedValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return { unserializable: true };
  }
  if (text === undefined) return undefined;
  return text.length > MAX_VALUE_CHARS ? { truncated: true, bytes: text.length } : value;
}

/** The JSON-safe fields of an event (Errors become their message; large values are summarized). */
export function eventFields<K extends EngineEventName>(name: K, event: EngineEvents[K]): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...(event as object) };
  if (name === 'worker:error') fields.error = (event as EngineEvents['worker:error']).error?.message ?? String(fields.error);
  if ('result' in fields) fields.result = boundedValue(fields.result);
  if ('output' in fields) fields.output = boundedValue(fields.output);
  if ('progress' in fields) fields.progress = boundedValue(fields.progress);
  if (name === 'job:log' && 'fields' in fields) fields.fields = boundedValue(fields.fields);
  return fields;
}

export function toWireEvent(type: string, at: number, fields: Record<string, unknown>): WireEvent {
  return { ...fields, type, timestamp: new Date(at).toISOString() };
}
