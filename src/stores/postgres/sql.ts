import { CHECKPOINT_STEP_ID } from '../../store/journal.js';

/**
 * Names and shared SQL fragments of one store schema. Every statement names its tables through
 * `t.jobs` etc., fully qualified, so queries run the same on the store's pool and on a caller's
 * own client whatever its search_path.
 */
export interface SchemaNames {
  schema: string;
  jobs: string;
  logs: string;
  steps: string;
  events: string;
  waits: string;
  migrations: string;
  feed: string;
  workers: string;
  leaders: string;
  /** LISTEN/NOTIFY channel of this schema */
  channel: string;
  /** second channel: a job's due time the stager must know about, or a released leadership (see due-signal.ts) */
  dueChannel: string;
  /** prefix for prepared statement names, unique per schema */
  prefix: string;
}

export function schemaNames(schema: string): SchemaNames {
  const q = `"${schema}"`;
  return {
    schema,
    jobs: `${q}.jobs`,
    logs: `${q}.job_logs`,
    steps: `${q}.steps`,
    events: `${q}.events`,
    waits: `${q}.event_waits`,
    migrations: `${q}.migrations`,
    feed: `${q}.feed`,
    workers: `${q}.workers`,
    leaders: `${q}.leaders`,
    channel: `${schema}_wake`,
    dueChannel: `${schema}_due`,
    prefix: `tw_${schema}_`,
  };
}

export { parseJobId } from '../../store/job-rows.js';

/** The reserved step id of a job's checkpoint record (see store/journal.ts), as an SQL literal. */
export const CHECKPOINT_LITERAL = `'${CHECKPOINT_STEP_ID}'`;

/**
 * A job row as reads return it: every column, plus its checkpoint token, looked up in the
 * journal only for jobs marked `checkpointed`. `alias` names the jobs table in the statement.
 */
export function jobColumns(t: SchemaNames, alias: string): string {
  return `${alias}.*, CASE WHEN ${alias}.checkpointed THEN (SELECT token FROM ${t.steps} s WHERE s.job_id = ${alias}.id AND s.step_id = ${CHECKPOINT_LITERAL}) END AS checkpoint_token`;
}

/**
 * CTEs deleting the logs, steps and waits of the jobs whose ids `source` (a CTE with an id column)
 * returns, named `<source>_logs` and so on. `= ANY(ARRAY(...))` can only be an index probe per id,
 * whatever a generic plan guesses of the source's size.
 */
export function jobRecordDeletes(t: SchemaNames, source: string): string {
  const ids = `job_id = ANY(ARRAY(SELECT id FROM ${source}))`;
  return `${source}_logs AS (
      DELETE FROM ${t.logs} WHERE ${ids}
    ), ${source}_steps AS (
      DELETE FROM ${t.steps} WHERE ${ids}
    ), ${source}_waits AS (
      DELETE FROM ${t.waits} WHERE ${ids}
    )`;
}
