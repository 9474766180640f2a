import type { BreakerChange } from '../../core/flow.js';
import { queueLimitKey } from '../../core/flow.js';
import { admitJob, type AdmissionState, type Blocked, type FlowFields } from '../../store/flow-admission.js';
import type { SqliteDatabase } from './connection.js';
import { flowKey } from './flow-keys.js';

/**
 * Start records are kept this long past their window. Callers pass `now` read before they waited
 * for the write lock, so a claim may commit after one with a later `now`; it must still see every
 * start inside its own (earlier) window. Counting is bounded below only, so starts recorded "in its
 * future" count too, which keeps any window of the interval at N starts whatever the commit order.
 */
const STALE_NOW_MARGIN_MS = 60_000;

interface LimitRow {
  concurrency: number | null;
  rate_count: number | null;
  rate_interval_ms: number | null;
}

interface BreakerRow {
  state: 'closed' | 'open' | 'half_open';
  opened_at: number | null;
  cooldown_ms: number;
  probe_job_id: number | null;
}

/**
 * Decides, inside the claim transaction, whether a keyed job may start now: its queue's limits,
 * its concurrency key, its rate key and its breaker. Everything is read from the store under the
 * write lock, so the decision holds across every process sharing the store. State is loaded per
 * key on first use and tallied in memory for the rest of the claim.
 */
export function createFlowGate(db: SqliteDatabase) {
  const limitOf = db.prepare('SELECT concurrency, rate_count, rate_interval_ms FROM tw_limits WHERE key = ?');
  const runningByKey = db.prepare(`SELECT count(*) FROM tw_jobs WHERE state = 'running' AND flow_keys IS NOT NULL AND ${flowKey('c')} = ?`).pluck();
  const runningByQueue = db.prepare("SELECT count(*) FROM tw_jobs WHERE state = 'running' AND queue = ?").pluck();
  const forgetStarts = db.prepare('DELETE FROM tw_rate_starts WHERE key = ? AND at <= ?');
  const startsInWindow = db.prepare('SELECT count(*) AS n, min(at) AS oldest FROM tw_rate_starts WHERE key = ? AND at > ?');
  const recordStart = db.prepare('INSERT INTO tw_rate_starts (key, at) VALUES (?, ?)');
  const breakerOf = db.prepare('SELECT state, opened_at, cooldown_ms, probe_job_id FROM tw_breakers WHERE key = ?');
  const jobState = db.prepare('SELECT state FROM tw_jobs WHERE id = ?').pluck();
  const startProbe = db.prepare(`UPDATE tw_breakers SET state = 'half_open', probe_job_id = @id, changed_at = @now, reason = @reason WHERE key = @key`);

  return function openGate(now: number) {
    const limits = new Map<string, LimitRow | null>();
    const running = new Map<string, number>();
    const rates = new Map<string, { used: number; oldest: number | null }>();
    const blocked: Blocked = { concurrency: new Set(), rate: new Set(), breaker: new Set(), queues: new Set() };
    const breakerChanges: BreakerChange[] = [];
    let wakeAt: number | null = null;
    const wakeNoLaterThan = (at: number) => (wakeAt = wakeAt === null ? at : Math.min(wakeAt, at));

    const limit = (key: string): LimitRow | null => {
      if (!limits.has(key)) limits.set(key, (limitOf.get(key) as LimitRow | undefined) ?? null);
      return limits.get(key) ?? null;
    };

    const concurrencyFree = (key: string, isQueue: boolean): boolean => {
      const max = limit(key)?.concurrency ?? null;
      if (max === null) return true;
      if (!running.has(key)) running.set(key, (isQueue ? runningByQueue.get(key.slice(6)) : runningByKey.get(key)) as number);
      return (running.get(key) as number) < max;
    };

    const rateFree = (key: string): boolean => {
      const row = limit(key);
      if (!row || row.rate_count === null || row.rate_interval_ms === null) return true;
      let window = rates.get(key);
      if (!window) {
        forgetStarts.run(key, now - row.rate_interval_ms - STALE_NOW_MARGIN_MS);
        const seen = startsInWindow.get(key, now - row.rate_interval_ms) as { n: number; oldest: number | null };
        rates.set(key, (window = { used: seen.n, oldest: seen.oldest }));
      }
      if (window.used < row.rate_count) return true;
      // the window slides past its oldest start then
      wakeNoLaterThan((window.oldest ?? now) + row.rate_interval_ms);
      return false;
    };

    /** 'closed' lets the job through; 'probe' lets it through as the half-open probe; null holds it. */
    const breakerVerdict = (key: string): 'closed' | 'probe' | null => {
      const row = breakerOf.get(key) as BreakerRow | undefined;
      if (!row || row.state === 'closed') return 'closed';
      if (row.state === 'open') {
        const until = (row.opened_at ?? 0) + row.cooldown_ms;
        if (now >= until) return 'probe';
        wakeNoLaterThan(until);
        return null;
      }
      // half-open: one probe at a time; a probe that ended without an outcome (released, rescued,
      // cancelled) is replaced
      if (row.probe_job_id !== null && jobState.get(row.probe_job_id) === 'running') return null;
      return 'probe';
    };

    const admission: AdmissionState = {
      now,
      blocked,
      running,
      rates,
      concurrencyFree,
      rateFree,
      breakerVerdict,
      recordStart: (key) => recordStart.run(key, now),
      startProbe: (job, key) => {
        const row = breakerOf.get(key) as BreakerRow;
        const reason = `cool-down over: job ${job.id} goes through as the probe`;
        startProbe.run({ id: job.id, now, reason, key });
        if (row.state !== 'half_open') breakerChanges.push({ key, from: row.state, to: 'half_open', at: now, reason });
      },
    };
    const admit = (job: FlowFields): boolean => admitJob(job, admission, queueLimitKey(job.queue));

    return {
      admit,
      blocked,
      breakerChanges,
      get wakeAt() {
        return wakeAt;
      },
    };
  };
}

export type FlowGate = ReturnType<ReturnType<typeof createFlowGate>>;
