import { logFromRow, type LogRow } from '../../store/log-rows.js';
import { CHECKPOINT_STEP_ID } from '../../store/journal.js';
import { nameStatsFromRows, queueStatsFromRows, type NameStateRow, type OldestQueuedRow, type QueueCountRow } from '../../store/stats-rows.js';
import type { CheckpointStats, Job, JobDetails, JobFilter, NameStats, QueueStats } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { parseHistory } from './history.js';
import { JOB_SELECT, parseJobId, rowToJob, type JobRow } from './rows.js';


export function createReads(db: SqliteDatabase) {
  const byId = db.prepare(`${JOB_SELECT} WHERE id = ?`);
  const logs = db.prepare('SELECT * FROM tw_job_logs WHERE job_id = ? ORDER BY id');
  const history = db.prepare('SELECT history FROM tw_jobs WHERE id = ?').pluck();
  const counts = db.prepare('SELECT queue, state, count(*) AS n FROM tw_jobs GROUP BY queue, state');
  const oldestQueued = db.prepare("SELECT queue, min(run_at) AS oldest FROM tw_jobs WHERE state = 'queued' GROUP BY queue");
  const checkpoints = db.prepare(
    // bytes as stored: the gzip blob, or the JSON text's UTF-8 bytes
    `SELECT count(*) AS count, coalesce(sum(length(coalesce(output_gzip, CAST(output AS BLOB)))), 0) AS totalBytes
      FROM tw_steps WHERE step_id = '${CHECKPOINT_STEP_ID}'`,
  );
  const byName = (tagged: boolean) =>
    db.prepare(`SELECT j.name AS name, j.state AS state, count(*) AS n,
        avg(CASE WHEN j.state = 'completed' THEN j.finished_at - j.started_at END) AS avg_ms,
        coalesce(sum(u.tokens), 0) AS tokens, coalesce(sum(u.cost), 0) AS cost
      FROM tw_jobs j
      LEFT JOIN (SELECT job_id, sum(json_extract(usage, '$.tokens')) AS tokens, sum(json_extract(usage, '$.costUsd')) AS cost
                 FROM tw_steps WHERE usage IS NOT NULL GROUP BY job_id) u ON u.job_id = j.id
      ${tagged ? 'WHERE EXISTS (SELECT 1 FROM json_each(j.tags) WHERE value = @tag)' : ''}
      GROUP BY j.name, j.state`);
  const statsAll = byName(false);
  const statsTagged = byName(true);
  const pending = db.prepare("SELECT count(*) FROM tw_jobs WHERE state IN ('scheduled', 'queued', 'running')").pluck();

  const getJob = (jobId: string): Job | null => {
    const id = parseJobId(jobId);
    const row = id === null ? undefined : (byId.get(id) as JobRow | undefined);
    return row ? rowToJob(row) : null;
  };

  return {
    getJob,
    getJobDetails(jobId: string): JobDetails | null {
      const job = getJob(jobId);
      if (!job) return null;
      const id = Number(job.id);
      return {
        job,
        logs: (logs.all(id) as LogRow[]).map(logFromRow),
        transitions: parseHistory(job.id, history.get(id) as string | null),
      };
    },
    listJobs(filter: JobFilter): Job[] {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, value: unknown): void => {
        where.push(clause);
        params.push(value);
      };
      if (filter.state) add('state = ?', filter.state);
      if (filter.queue) add('queue = ?', filter.queue);
      if (filter.name) add('name = ?', filter.name);
      if (filter.tag) add('EXISTS (SELECT 1 FROM json_each(tw_jobs.tags) WHERE value = ?)', filter.tag);
      if (filter.before !== undefined) add('id < ?', parseJobId(filter.before) ?? 0);
      const sql = `${JOB_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      params.push(filter.limit ?? 50);
      return (db.prepare(sql).all(...params) as JobRow[]).map(rowToJob);
    },
    stats: (now: number): QueueStats[] => queueStatsFromRows(counts.all() as QueueCountRow[], oldestQueued.all() as OldestQueuedRow[], now),
    checkpointStats: (): CheckpointStats => checkpoints.get() as CheckpointStats,
    statsByName: (filter: { tag?: string } = {}): NameStats[] =>
      nameStatsFromRows((filter.tag === undefined ? statsAll.all() : statsTagged.all({ tag: filter.tag })) as NameStateRow[]),
    pendingCount: (): number => pending.get() as number,
  };
}
