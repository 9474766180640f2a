import type { BackoffPolicy } from '../../core/backoff.js';
import type { Budget } from '../../core/budget.js';
import type { Job, JobError, JobState, NewJob } from '../../core/job.js';
import { parseBackoff, parseOr } from '../../store/job-rows.js';
import { outcomeReason } from '../../store/history-text.js';
import type { ClaimedJob, Settlement } from '../../store/types.js';
import type { Arg } from './scripts.js';

/** A job hash as HGETALL returns it (field names in docs/redis.md). */
export type JobHash = Record<string, string>;

const numOrNull = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));
const textOrNull = (v: string | undefined): string | null => (v === undefined ? null : v);

export function jobFromHash(id: string, h: JobHash, checkpointToken: string | null): Job {
  return {
    id,
    queue: h.q as string,
    name: h.n as string,
    payload: JSON.parse(h.p as string) as unknown,
    state: h.s as JobState,
    priority: Number(h.pr),
    attempt: Number(h.a),
    maxAttempts: Number(h.ma),
    backoff: JSON.parse(h.bo as string) as BackoffPolicy,
    timeoutMs: numOrNull(h.to),
    idempotencyKey: textOrNull(h.ik),
    tags: parseOr<string[]>(textOrNull(h.tg), []),
    deadLetter: h.dl === '1',
    runAt: Number(h.ra),
    createdAt: Number(h.ca),
    startedAt: numOrNull(h.sa),
    finishedAt: numOrNull(h.fa),
    result: h.r === undefined ? undefined : (JSON.parse(h.r) as unknown),
    error: parseOr<JobError | null>(textOrNull(h.e), null),
    progress: parseOr<unknown>(textOrNull(h.pg), null),
    workerId: textOrNull(h.w),
    leaseExpiresAt: numOrNull(h.le),
    cancelRequested: h.cr === '1',
    checkpointToken,
    budget: parseOr<Budget | null>(textOrNull(h.bu), null),
    traceParent: textOrNull(h.tp),
    groupKey: textOrNull(h.gk),
    concurrencyKey: textOrNull(h.ck),
    rateKey: textOrNull(h.rk),
    breakerKey: textOrNull(h.bk),
    requiredTags: parseOr<string[]>(textOrNull(h.rt), []),
  };
}

/** The 20 ARGV fields of one job for enqueue.lua (its header lists them). */
export function enqueueArgs(job: NewJob, out: Arg[]): void {
  out.push(
    job.queue,
    job.name,
    job.payloadJson,
    job.priority,
    job.runAt,
    job.maxAttempts,
    JSON.stringify(job.backoff),
    job.timeoutMs ?? '',
    job.idempotencyKey ?? '',
    job.idempotencyTtlMs,
    job.tags.length ? JSON.stringify(job.tags) : '',
    job.deadLetter ? 1 : 0,
    job.budgetJson ?? '',
    job.traceParent ?? '',
    job.priorityLeadMs ?? 0,
    job.groupKey ?? '',
    job.concurrencyKey ?? '',
    job.rateKey ?? '',
    job.breakerKey ?? '',
    job.requiredTags?.length ? JSON.stringify(job.requiredTags) : '',
  );
}

/** The 8 ARGV fields of one settlement for settle.lua. */
export function settlementArgs(s: Settlement, out: Arg[]): void {
  const o = s.outcome;
  let data = '';
  let runAt: number | string = '';
  if (o.type === 'completed') data = o.resultJson ?? '';
  else if (o.type === 'retry') [data, runAt] = [JSON.stringify(o.error), o.runAt];
  else if (o.type === 'failed' || o.type === 'dead') data = JSON.stringify(o.error);
  else if (o.type === 'cancelled') data = o.error ? JSON.stringify(o.error) : '';
  else if (o.type === 'snoozed') runAt = o.runAt;
  const discard = o.type === 'completed' && o.discard === true ? 1 : 0;
  out.push(s.id, s.workerId, s.attempt, o.type, data, runAt, outcomeReason(o) ?? '', discard);
}

export const CLAIMED_FIELDS = 16;

/** Claimed jobs from claim.lua's flat reply; `gzipped` collects the ids whose checkpoint is gzip bytes. */
export function claimedFromReply(flat: readonly (string | number | null)[], gzipped: ClaimedJob[]): ClaimedJob[] {
  const jobs: ClaimedJob[] = [];
  for (let i = 0; i < flat.length; i += CLAIMED_FIELDS) {
    const [id, queue, name, payload, attempt, maxAttempts, backoff, timeoutMs, deadLetter, tags, createdAt, budget, traceParent, token, json, gz] = flat.slice(
      i,
      i + CLAIMED_FIELDS,
    ) as (string | null)[];
    const job: ClaimedJob = {
      id: id as string,
      queue: queue as string,
      name: name as string,
      payloadJson: payload as string,
      attempt: Number(attempt),
      maxAttempts: Number(maxAttempts),
      backoff: parseBackoff(backoff as string),
      timeoutMs: timeoutMs === null ? null : Number(timeoutMs),
      deadLetter: deadLetter === '1',
      tags: tags === null ? [] : (JSON.parse(tags) as string[]),
      createdAt: Number(createdAt),
      checkpoint: token === null ? null : { token, data: Buffer.from(json ?? 'null', 'utf8'), encoding: 'json' },
      budget: budget === null ? null : (JSON.parse(budget) as Budget),
      traceParent,
    };
    if (token !== null && gz === '1') gzipped.push(job);
    jobs.push(job);
  }
  return jobs;
}
