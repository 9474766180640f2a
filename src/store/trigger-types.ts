import type { NewJob } from '../core/job.js';
import type { TriggerDefinition, TriggerInput } from '../core/trigger.js';
import type { StoredEvent } from './types.js';

/** A trigger as stored: its definition, the input it was made from, and whether it is paused. */
export interface TriggerRecord extends TriggerDefinition {
  input: TriggerInput;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface TriggerWrite {
  definition: TriggerDefinition;
  input: TriggerInput;
  paused: boolean;
}

/** One job a trigger started for one event. */
export interface TriggerFire {
  triggerId: string;
  /** the event's idempotency key (its id as the publisher gave it) */
  eventKey: string;
  /** the stored event's id */
  eventId: string;
  jobId: string;
  firedAt: number;
}

/** A job the runtime planned for a matching trigger: `publishEvent` starts it unless the trigger is gone or paused. */
export interface PlannedTriggerJob {
  triggerId: string;
  job: NewJob;
}

export interface PublishResult {
  event: StoredEvent;
  /** true when an event with this key was published before: nothing was stored, woken or started */
  deduplicated: boolean;
  /** runs waiting for the event's name that were woken (0 when deduplicated) */
  woken: number;
  /** the jobs this event started, by trigger (for a deduplicated event: those the first publish started) */
  fires: TriggerFire[];
}

/**
 * Event triggers: an optional part of the contract (capability `triggers`). `publishEvent` is the
 * one that must be safe with many publishers: for one event key, exactly one call stores the
 * event and starts its jobs; every other call, in any process, gets that outcome back.
 */
export interface TriggerOperations {
  /** Insert a trigger or replace its definition and paused flag (its fire history is kept). */
  saveTrigger(write: TriggerWrite, now: number): Promise<TriggerRecord>;
  getTrigger(id: string): Promise<TriggerRecord | null>;
  /** Every trigger by id; with `event`, only the unpaused triggers of that event name. */
  listTriggers(filter?: { event?: string }): Promise<TriggerRecord[]>;
  /** Delete a trigger and its fire history; false when there was none. Jobs it started stay. */
  deleteTrigger(id: string): Promise<boolean>;
  /**
   * In ONE atomic unit: when no event with `key` exists, store the event (as `sendEvent` does,
   * waking the runs waiting for its name), enqueue each planned job whose trigger still exists
   * unpaused, and record one fire per started job. When the key exists, change nothing and return
   * the first publish's event and fires with `deduplicated`. Publishers of the same key at the
   * same moment serialize: one starts the jobs, the others see its outcome.
   */
  publishEvent(key: string, name: string, dataJson: string, planned: readonly PlannedTriggerJob[], now: number): Promise<PublishResult>;
  /** A trigger's fires, newest first. */
  listTriggerFires(triggerId: string, limit: number): Promise<TriggerFire[]>;
}
