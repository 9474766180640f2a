import type { TriggerDefinition, TriggerInput } from '../core/trigger.js';
import type { TriggerFire, TriggerRecord, TriggerWrite } from './trigger-types.js';

/** A trigger row as the SQL drivers read it; `paused` is 0/1 where the database has no boolean. */
export interface TriggerRow {
  id: string;
  event: string;
  definition: string;
  input: string;
  paused: boolean | number;
  created_at: number;
  updated_at: number;
}

export interface TriggerFireRow {
  trigger_id: string;
  event_key: string;
  event_id: number | string;
  job_id: number | string;
  fired_at: number;
}

export function triggerFromRow(row: TriggerRow): TriggerRecord {
  const definition = JSON.parse(row.definition) as TriggerDefinition;
  return {
    ...definition,
    input: JSON.parse(row.input) as TriggerInput,
    paused: row.paused === true || row.paused === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function triggerFireFromRow(row: TriggerFireRow): TriggerFire {
  return { triggerId: row.trigger_id, eventKey: row.event_key, eventId: String(row.event_id), jobId: String(row.job_id), firedAt: Number(row.fired_at) };
}

/** The definition part of a write, as stored in the `definition` column. */
export function definitionJson(write: TriggerWrite): string {
  const { id, event, match, target, job, delayMs, payloadTemplate, webhook } = write.definition;
  return JSON.stringify({ id, event, match, target, job, delayMs, payloadTemplate, webhook });
}
