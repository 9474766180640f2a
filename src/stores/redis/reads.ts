import type { Redis } from 'ioredis';
import type { Usage } from '../../core/budget.js';
import type { JobError, JobLogEntry, JobState } from '../../core/job.js';
import { parseHistory } from '../../store/history-text.js';
import { CHECKPOINT_STEP_ID } from '../../store/journal.js';
import { nameStatsFromRows, queueStatsFromRows, type NameStateRow, type OldestQueuedRow, type QueueCountRow } from '../../store/stats-rows.js';
import type { CheckpointStats, Job, JobDetails, JobFilter, NameStats, QueueStats, StepRecord, StoredEvent } from '../../store/types.js';
import type { Keys } from './keys.js';
import { jobFromHash, type JobHash } from './rows.js';
import { run } from './scripts.js';

/** A step record as stored (JSON in the job's steps hash; gzip bytes in a hash of their own). */
export type StoredStep = Omit<StepRecord, 'outputGzip' | 'stepId'>;

/** How many job hashes a scan reads per round trip. */
const PAGE = 500;

/** Reads: none changes anything, so none needs a script except where counts must agree. */
export class Reads {
  constructor(
    private readonly client: Redis,
    private readonly keys: Keys,
  ) {}

  private async checkpointToken(id: string, hash: JobHash): Promise<string | null> {
    if (hash.cp !== '1') return null;
    const raw = await this.client.hget(this.keys.steps(id), CHECKPOINT_STEP_ID);
    return raw === null ? null : ((JSON.parse(raw) as StoredStep).token ?? null);
  }

  async getJob(id: string): Promise<Job | null> {
    if (!/^\d{1,15}$/.test(id)) return null;
    const hash = await this.client.hgetall(this.keys.job(id));
    if (hash.q === undefined) return null;
    return jobFromHash(id, hash, await this.checkpointToken(id, hash));
  }

  async getJobDetails(id: string): Promise<JobDetails | null> {
    const job = await this.getJob(id);
    if (!job) return null;
    const [history, logs] = await Promise.all([this.client.hget(this.keys.job(id), 'h'), this.client.lrange(this.keys.logs(id), 0, -1)]);
    return { job, logs: logs.map((line) => JSON.parse(line) as JobLogEntry), transitions: parseHistory(id, history) };
  }

  /** Job hashes newest first, `PAGE` per round trip, until `visit` returns false. */
  private async scan(before: string | undefined, visit: (id: string, hash: JobHash) => boolean): Promise<void> {
    let max = before === undefined ? '+inf' : `(${before}`;
    for (;;) {
      const ids = await this.client.zrevrangebyscore(this.keys.ids, max, '-inf', 'LIMIT', 0, PAGE);
      if (ids.length === 0) return;
      const pipeline = this.client.pipeline();
      for (const id of ids) pipeline.hgetall(this.keys.job(id));
      const hashes = (await pipeline.exec()) ?? [];
      for (let i = 0; i < ids.length; i++) {
        const hash = hashes[i]?.[1] as JobHash | undefined;
        if (hash?.q !== undefined && !visit(ids[i] as string, hash)) return;
      }
      if (ids.length < PAGE) return;
      max = `(${ids[ids.length - 1] as string}`;
    }
  }

  async listJobs(filter: JobFilter): Promise<Job[]> {
    const limit = filter.limit ?? 50;
    const found: [string, JobHash][] = [];
    if (limit <= 0) return [];
    await this.scan(filter.before, (id, h) => {
      if (filter.state && h.s !== filter.state) return true;
      if (filter.queue && h.q !== filter.queue) return true;
      if (filter.name && h.n !== filter.name) return true;
      if (filter.tag && !(h.tg ? (JSON.parse(h.tg) as string[]) : []).includes(filter.tag)) return true;
      found.push([id, h]);
      return found.length < limit;
    });
    return Promise.all(found.map(async ([id, h]) => jobFromHash(id, h, await this.checkpointToken(id, h))));
  }

  async stats(now: number): Promise<QueueStats[]> {
    const [counts, oldest] = await run<[string[], string[]]>(this.client, 'queue-stats', this.keys.meta, []);
    const countRows: QueueCountRow[] = [];
    for (let i = 0; i < counts.length; i += 2) {
      const n = Number(counts[i + 1]);
      if (n === 0) continue;
      const [queue, state] = (counts[i] as string).split('\t') as [string, JobState];
      countRows.push({ queue, state, n });
    }
    const oldestRows: OldestQueuedRow[] = [];
    for (let i = 0; i < oldest.length; i += 2) oldestRows.push({ queue: oldest[i] as string, oldest: Number(oldest[i + 1]) });
    return queueStatsFromRows(countRows, oldestRows, now);
  }

  async pendingCount(): Promise<number> {
    const counts = await this.client.hgetall(this.keys.counts);
    let n = 0;
    for (const [field, value] of Object.entries(counts)) {
      const state = field.slice(field.lastIndexOf('\t') + 1);
      if (state === 'scheduled' || state === 'queued' || state === 'running') n += Number(value);
    }
    return n;
  }

  async statsByName(filter: { tag?: string } = {}): Promise<NameStats[]> {
    type Acc = NameStateRow & { durations: number; finished: number };
    const groups = new Map<string, Acc>();
    const picked: [string, JobHash][] = [];
    await this.scan(undefined, (id, h) => {
      if (filter.tag === undefined || (h.tg ? (JSON.parse(h.tg) as string[]) : []).includes(filter.tag)) picked.push([id, h]);
      return true;
    });
    const usage = await this.usageOf(picked.map(([id]) => id));
    for (const [id, h] of picked) {
      const groupKey = `${h.n as string}\t${h.s as string}`;
      let acc = groups.get(groupKey);
      if (!acc) groups.set(groupKey, (acc = { name: h.n as string, state: h.s as JobState, n: 0, avg_ms: null, tokens: 0, cost: 0, durations: 0, finished: 0 }));
      acc.n++;
      if (h.s === 'completed' && h.sa !== undefined && h.fa !== undefined) {
        acc.durations += Number(h.fa) - Number(h.sa);
        acc.finished++;
      }
      const used = usage.get(id);
      if (used) {
        acc.tokens += used.tokens;
        acc.cost += used.cost;
      }
    }
    const rows = [...groups.values()].map((acc) => ({ ...acc, avg_ms: acc.finished ? acc.durations / acc.finished : null }));
    return nameStatsFromRows(rows);
  }

  /** Summed step usage per job (only jobs with a journal). */
  private async usageOf(ids: readonly string[]): Promise<Map<string, { tokens: number; cost: number }>> {
    const out = new Map<string, { tokens: number; cost: number }>();
    for (let start = 0; start < ids.length; start += PAGE) {
      const chunk = ids.slice(start, start + PAGE);
      const pipeline = this.client.pipeline();
      for (const id of chunk) pipeline.hvals(this.keys.steps(id));
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((id, i) => {
        let tokens = 0;
        let cost = 0;
        for (const raw of (replies[i]?.[1] as string[] | undefined) ?? []) {
          const used = (JSON.parse(raw) as StoredStep).usage;
          if (!used) continue;
          tokens += used.tokens ?? 0;
          cost += used.costUsd ?? 0;
        }
        if (tokens || cost) out.set(id, { tokens, cost });
      });
    }
    return out;
  }

  async checkpointStats(): Promise<CheckpointStats> {
    const ids: string[] = [];
    await this.scan(undefined, (id, h) => (h.cp === '1' && ids.push(id), true));
    let count = 0;
    let totalBytes = 0;
    const pipeline = this.client.pipeline();
    for (const id of ids) {
      pipeline.hget(this.keys.steps(id), CHECKPOINT_STEP_ID);
      pipeline.hstrlen(this.keys.stepGzip(id), CHECKPOINT_STEP_ID);
    }
    const replies = ids.length ? ((await pipeline.exec()) ?? []) : [];
    for (let i = 0; i < replies.length; i += 2) {
      const raw = replies[i]?.[1] as string | null;
      if (raw === null) continue;
      count++;
      const gzipBytes = Number(replies[i + 1]?.[1] ?? 0);
      const output = (JSON.parse(raw) as StoredStep).outputJson;
      totalBytes += gzipBytes > 0 ? gzipBytes : Buffer.byteLength(output ?? '', 'utf8');
    }
    return { count, totalBytes };
  }

  async listSteps(id: string): Promise<StepRecord[]> {
    const [records, gzips] = await Promise.all([this.client.hgetall(this.keys.steps(id)), this.client.hgetallBuffer(this.keys.stepGzip(id))]);
    const steps = Object.entries(records).map(([stepId, raw]): StepRecord => {
      const stored = JSON.parse(raw) as StoredStep & { error: JobError | null; usage: Usage | null };
      const gzip = gzips[stepId];
      return { stepId, ...stored, ...(gzip !== undefined && { outputGzip: new Uint8Array(gzip) }) };
    });
    return steps.sort((a, b) => a.seq - b.seq);
  }

  async listEvents(name: string, since: number, limit: number): Promise<StoredEvent[]> {
    const members = await this.client.zrangebyscore(this.keys.events(name), since, '+inf', 'WITHSCORES', 'LIMIT', 0, limit);
    const events: StoredEvent[] = [];
    for (let i = 0; i < members.length; i += 2) {
      const member = members[i] as string;
      const tab = member.indexOf('\t');
      events.push({ id: String(Number(member.slice(0, tab))), name, dataJson: member.slice(tab + 1), createdAt: Number(members[i + 1]) });
    }
    return events;
  }
}
