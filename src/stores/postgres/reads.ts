import { logFromRow, type LogRow } from '../../store/log-rows.js';
import { nameStatsFromRows, queueStatsFromRows, type NameStateRow, type OldestQueuedRow, type QueueCountRow } from '../../store/stats-rows.js';
import type { CheckpointStats, Job, JobDetails, JobFilter, NameStats, QueueStats } from '../../store/types.js';
import type { Queryable } from './connection.js';
import { parseHistory } from './history.js';
import { rowToJob, type JobRow } from './rows.js';
import { CHECKPOINT_LITERAL, jobColumns, parseJobId, type SchemaNames } from './sql.js';



export function createReads(t: SchemaNames) {
  const byId = { name: `${t.prefix}job_by_id`, text: `SELECT ${jobColumns(t, 'j')} FROM ${t.jobs} j WHERE id = $1` };
  const logs = { name: `${t.prefix}logs_of`, text: `SELECT * FROM ${t.logs} WHERE job_id = $1 ORDER BY id` };
  const byName = (tagged: boolean) => `SELECT j.name, j.state, count(*) AS n,
      avg(CASE WHEN j.state = 'completed' THEN j.finished_at - j.started_at END)::float8 AS avg_ms,
      coalesce(sum(u.tokens), 0)::float8 AS tokens, coalesce(sum(u.cost), 0)::float8 AS cost
    FROM ${t.jobs} j
    LEFT JOIN (SELECT job_id, sum((usage::jsonb ->> 'tokens')::float8) AS tokens, sum((usage::jsonb ->> 'costUsd')::float8) AS cost
               FROM ${t.steps} WHERE usage IS NOT NULL GROUP BY job_id) u ON u.job_id = j.id
    ${tagged ? 'WHERE j.tags ? $1' : ''}
    GROUP BY j.name, j.state`;

  const getJob = async (db: Queryable, jobId: string): Promise<Job | null> => {
    const id = parseJobId(jobId);
    if (id === null) return null;
    const row = (await db.query<JobRow>({ ...byId, values: [id] })).rows[0];
    return row ? rowToJob(row) : null;
  };

  return {
    getJob,
    async getJobDetails(db: Queryable, jobId: string): Promise<JobDetails | null> {
      const id = parseJobId(jobId);
      if (id === null) return null;
      const row = (await db.query<JobRow & { history: string }>({ ...byId, values: [id] })).rows[0];
      if (!row) return null;
      const job = rowToJob(row);
      const logRows = (await db.query<LogRow>({ ...logs, values: [id] })).rows;
      return {
        job,
        logs: logRows.map(logFromRow),
        transitions: parseHistory(job.id, row.history),
      };
    },
    async listJobs(db: Queryable, filter: JobFilter): Promise<Job[]> {
      const where: string[] = [];
      const values: unknown[] = [];
      const add = (clause: (param: string) => string, value: unknown): void => {
        values.push(value);
        where.push(clause(`$${values.length}`));
      };
      if (filter.state) add((p) => `state = ${p}`, filter.state);
      if (filter.queue) add((p) => `queue = ${p}`, filter.queue);
      if (filter.name) add((p) => `name = ${p}`, filter.name);
      if (filter.tag) add((p) => `tags ? ${p}`, filter.tag);
      if (filter.before !== undefined) add((p) => `id < ${p}`, parseJobId(filter.before) ?? 0);
      values.push(filter.limit ?? 50);
      const text = `SELECT ${jobColumns(t, 'j')} FROM ${t.jobs} j ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`;
      return (await db.query<JobRow>({ text, values })).rows.map(rowToJob);
    },
    async stats(db: Queryable, now: number): Promise<QueueStats[]> {
      const counts = await db.query<QueueCountRow>(`SELECT queue, state, count(*) AS n FROM ${t.jobs} GROUP BY queue, state`);
      const oldest = await db.query<OldestQueuedRow>(`SELECT queue, min(run_at) AS oldest FROM ${t.jobs} WHERE state = 'queued' GROUP BY queue`);
      return queueStatsFromRows(counts.rows, oldest.rows, now);
    },
    async checkpointStats(db: Queryable): Promise<CheckpointStats> {
      const { rows } = await db.query<{ count: number; total: number }>(
        // bytes as stored: the gzip bytes, or the JSON text's UTF-8 bytes
        `SELECT count(*) AS count, coalesce(sum(coalesce(octet_length(output_gzip), octet_length(output))), 0)::bigint AS total
          FROM ${t.steps} WHERE step_id = ${CHECKPOINT_LITERAL}`,
      );
      return { count: rows[0]?.count ?? 0, totalBytes: rows[0]?.total ?? 0 };
    },
    async statsByName(db: Queryable, filter: { tag?: string } = {}): Promise<NameStats[]> {
      const tagged = filter.tag !== undefined;
      const { rows } = await db.query<NameStateRow>({ text: byName(tagged), values: tagged ? [filter.tag] : [] });
      return nameStatsFromRows(rows);
    },
    async pendingCount(db: Queryable): Promise<number> {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t.jobs} WHERE state IN ('scheduled', 'queued', 'running')`);
      return rows[0]?.n ?? 0;
    },
  };
}
