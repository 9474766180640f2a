import type { SchemaNames } from './sql.js';

/** Qualified names of the flow-control tables of one schema (see migrations/003_flow.sql). */
export interface FlowNames {
  limits: string;
  rateStarts: string;
  queues: string;
  breakers: string;
  groups: string;
  recordOutcomes: string;
  /** takes the schema's flow gate lock (see flow-claim.ts) until the transaction ends */
  gateLock: string;
}

export function flowNames(t: SchemaNames): FlowNames {
  const q = `"${t.schema}"`;
  return {
    limits: `${q}.flow_limits`,
    rateStarts: `${q}.flow_rate_starts`,
    queues: `${q}.flow_queues`,
    breakers: `${q}.flow_breakers`,
    groups: `${q}.flow_groups`,
    recordOutcomes: `${q}.flow_record_outcomes`,
    gateLock: `SELECT pg_advisory_xact_lock(hashtext('taskwright:flow:' || ${literal(t.schema)}))`,
  };
}

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Predicates of the three queued partial indexes (repeated verbatim so the planner picks each). */
export const PLAIN = 'concurrency_key IS NULL AND rate_key IS NULL AND breaker_key IS NULL AND required_tags IS NULL';
export const KEYED = '(concurrency_key IS NOT NULL OR rate_key IS NOT NULL OR breaker_key IS NOT NULL) AND required_tags IS NULL';
export const TAGGED = 'required_tags IS NOT NULL';
