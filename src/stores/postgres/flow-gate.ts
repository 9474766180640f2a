import type { BreakerChange, BreakerState } from '../../core/flow.js';
import { queueLimitKey } from '../../core/flow.js';
import { admitJob, type AdmissionState, type Blocked, type FlowFields } from '../../store/flow-admission.js';
import type { Queryable } from './connection.js';
import { flowNames } from './flow-names.js';
import type { SchemaNames } from './sql.js';

/**
 * Start records are kept this long past their window. Callers pass `now` read before they waited
 * for the gate lock, so a claim may commit after one with a later `now`; it must still see every
 * start inside its own (earlier) window. Counting is bounded below only, so starts recorded "in its
 * future" count too, which keeps any window of the interval at N starts whatever the commit order.
 */
const STALE_NOW_MARGIN_MS = 60_000;

interface Limit {
  concurrency: number | null;
  rateCount: number | null;
  rateIntervalMs: number | null;
}

interface BreakerView {
  state: BreakerState;
  openedAt: number | null;
  cooldownMs: number;
  /** the state of the half-open probe's job, or null */
  probeState: string | null;
}

type LoadedRow = {
  limits: [string, number | null, number | null, number | null][];
  running_keys: [string, number][];
  running_queues: [string, number][];
  rates: [string, number, number][];
  breakers: [string, BreakerState, number | null, number, number | null, string | null][];
};

/**
 * Decides, inside the claim transaction and under the schema's flow gate lock (see flow-claim.ts),
 * whether keyed jobs may start now: their queue's limits, their concurrency key, their rate key and
 * their breaker. The state of every key a batch of candidates names is read in one round trip after
 * the lock was taken, so it includes every earlier gate holder's commit; the rest of the claim
 * tallies in memory and writes its rate starts and breaker probes at the end (`finish`).
 */
export function createFlowGate(t: SchemaNames) {
  const f = flowNames(t);
  const load = {
    name: `${t.prefix}flow_gate_load`,
    text: `WITH pruned AS (
        DELETE FROM ${f.rateStarts} s USING ${f.limits} l
        WHERE l.key = s.key AND s.key = ANY($1::text[]) AND l.rate_interval_ms IS NOT NULL AND s.at <= $2::bigint - l.rate_interval_ms - ${STALE_NOW_MARGIN_MS}
      )
      SELECT
        (SELECT coalesce(json_agg(json_build_array(key, concurrency, rate_count, rate_interval_ms)), '[]') FROM ${f.limits} WHERE key = ANY($1::text[])) AS limits,
        (SELECT coalesce(json_agg(json_build_array(k, n)), '[]') FROM (SELECT concurrency_key AS k, count(*) AS n FROM ${t.jobs}
          WHERE state = 'running' AND concurrency_key IS NOT NULL AND concurrency_key = ANY($1::text[]) GROUP BY 1) x) AS running_keys,
        (SELECT coalesce(json_agg(json_build_array(k, n)), '[]') FROM (SELECT queue AS k, count(*) AS n FROM ${t.jobs}
          WHERE state = 'running' AND queue = ANY($3::text[]) GROUP BY 1) x) AS running_queues,
        (SELECT coalesce(json_agg(json_build_array(k, n, oldest)), '[]') FROM (SELECT s.key AS k, count(*) AS n, min(s.at) AS oldest
          FROM ${f.rateStarts} s JOIN ${f.limits} l ON l.key = s.key
          WHERE s.key = ANY($1::text[]) AND l.rate_interval_ms IS NOT NULL AND s.at > $2::bigint - l.rate_interval_ms GROUP BY s.key) x) AS rates,
        (SELECT coalesce(json_agg(json_build_array(b.key, b.state, b.opened_at, b.cooldown_ms, b.probe_job_id,
          (SELECT state FROM ${t.jobs} WHERE id = b.probe_job_id))), '[]') FROM ${f.breakers} b WHERE b.key = ANY($4::text[])) AS breakers`,
  };
  const recordStarts = {
    name: `${t.prefix}flow_record_starts`,
    text: `INSERT INTO ${f.rateStarts} (key, at) SELECT key, $2::bigint FROM unnest($1::text[]) AS k(key)`,
  };
  // only from the state it was read in: the gate lock keeps other claims out, and settles change
  // only closed breakers or a half-open one's live probe
  const startProbe = {
    name: `${t.prefix}flow_start_probe`,
    text: `UPDATE ${f.breakers} SET state = 'half_open', probe_job_id = $2, changed_at = $3, reason = $4 WHERE key = $1 AND state = $5`,
  };

  return function openGate(now: number) {
    const limits = new Map<string, Limit | null>();
    const breakers = new Map<string, BreakerView | null>();
    const running = new Map<string, number>();
    const rates = new Map<string, { used: number; oldest: number | null }>();
    const starts: string[] = [];
    const probes: { key: string; jobId: number; from: BreakerState; reason: string }[] = [];
    const blocked: Blocked = { concurrency: new Set(), rate: new Set(), breaker: new Set(), queues: new Set() };
    const breakerChanges: BreakerChange[] = [];
    let wakeAt: number | null = null;
    const wakeNoLaterThan = (at: number) => (wakeAt = wakeAt === null ? at : Math.min(wakeAt, at));

    /** Reads the state of every key these candidates name that this claim has not read yet. */
    const prepare = async (db: Queryable, jobs: readonly FlowFields[]): Promise<void> => {
      const limitKeys = new Set<string>();
      const queues = new Set<string>();
      const breakerKeys = new Set<string>();
      for (const job of jobs) {
        const queueKey = queueLimitKey(job.queue);
        if (!limits.has(queueKey)) {
          limitKeys.add(queueKey);
          queues.add(job.queue);
        }
        for (const key of [job.concurrencyKey, job.rateKey]) if (key !== null && !limits.has(key)) limitKeys.add(key);
        if (job.breakerKey !== null && !breakers.has(job.breakerKey)) breakerKeys.add(job.breakerKey);
      }
      if (limitKeys.size === 0 && breakerKeys.size === 0) return;
      const { rows } = await db.query<LoadedRow>({ ...load, values: [[...limitKeys], now, [...queues], [...breakerKeys]] });
      const row = rows[0] as LoadedRow;
      for (const key of limitKeys) limits.set(key, null);
      for (const [key, concurrency, rateCount, rateIntervalMs] of row.limits) limits.set(key, { concurrency, rateCount, rateIntervalMs });
      for (const key of limitKeys) {
        if (limits.get(key)?.concurrency != null) running.set(key, 0);
        if (limits.get(key)?.rateCount != null) rates.set(key, { used: 0, oldest: null });
      }
      for (const [key, n] of row.running_keys) if (running.has(key)) running.set(key, n);
      for (const [queue, n] of row.running_queues) if (running.has(queueLimitKey(queue))) running.set(queueLimitKey(queue), n);
      for (const [key, n, oldest] of row.rates) if (rates.has(key)) rates.set(key, { used: n, oldest });
      for (const key of breakerKeys) breakers.set(key, null);
      for (const [key, state, openedAt, cooldownMs, , probeState] of row.breakers) breakers.set(key, { state, openedAt, cooldownMs, probeState });
    };

    const concurrencyFree = (key: string): boolean => {
      const max = limits.get(key)?.concurrency ?? null;
      return max === null || (running.get(key) as number) < max;
    };

    const rateFree = (key: string): boolean => {
      const limit = limits.get(key);
      const window = rates.get(key);
      if (!limit || limit.rateCount === null || limit.rateIntervalMs === null || !window) return true;
      if (window.used < limit.rateCount) return true;
      // the window slides past its oldest start then
      wakeNoLaterThan((window.oldest ?? now) + limit.rateIntervalMs);
      return false;
    };

    /** 'closed' lets the job through; 'probe' lets it through as the half-open probe; null holds it. */
    const breakerVerdict = (key: string): 'closed' | 'probe' | null => {
      const breaker = breakers.get(key);
      if (!breaker || breaker.state === 'closed') return 'closed';
      if (breaker.state === 'open') {
        const until = (breaker.openedAt ?? 0) + breaker.cooldownMs;
        if (now >= until) return 'probe';
        wakeNoLaterThan(until);
        return null;
      }
      // half-open: one probe at a time; a probe that ended without an outcome (released, rescued,
      // cancelled) is replaced
      return breaker.probeState === 'running' ? null : 'probe';
    };

    const admission: AdmissionState = {
      now,
      blocked,
      running,
      rates,
      concurrencyFree: (key) => concurrencyFree(key),
      rateFree,
      breakerVerdict,
      recordStart: (key) => starts.push(key),
      startProbe: (job, key) => {
        const from = (breakers.get(key) as BreakerView).state;
        const reason = `cool-down over: job ${job.id} goes through as the probe`;
        probes.push({ key, jobId: job.id, from, reason });
        if (from !== 'half_open') breakerChanges.push({ key, from, to: 'half_open', at: now, reason });
      },
    };
    /** Whether this job may start now (call `prepare` with it first); counts it when it may. */
    const admit = (job: FlowFields): boolean => admitJob(job, admission, queueLimitKey(job.queue));

    /** Writes what the admitted jobs used: rate starts, and the probes (in key order, as settles lock breakers). */
    const finish = async (db: Queryable): Promise<void> => {
      if (starts.length) await db.query({ ...recordStarts, values: [starts, now] });
      probes.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const probe of probes) await db.query({ ...startProbe, values: [probe.key, probe.jobId, now, probe.reason, probe.from] });
    };

    return {
      prepare,
      admit,
      finish,
      blocked,
      breakerChanges,
      get wakeAt() {
        return wakeAt;
      },
    };
  };
}

export type FlowGate = ReturnType<ReturnType<typeof createFlowGate>>;
