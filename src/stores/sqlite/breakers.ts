import type { Breaker, BreakerChange, BreakerConfig, BreakerState } from '../../core/flow.js';
import { breakerFromRow, type BreakerRow as SharedBreakerRow } from '../../store/breaker-rows.js';
import type { SqliteDatabase } from './connection.js';

interface BreakerRow extends SharedBreakerRow {
  window_start: number;
}


/**
 * Circuit breakers, fed by the settle transaction: a closed breaker counts consecutive failures
 * and failures in a window and opens past its thresholds; an open one holds its jobs in the claim
 * (see flow-gate.ts) until the cool-down ends and one probe goes through (half-open); the probe's
 * success closes it, its failure opens it again. Outcomes of other jobs while not closed are
 * ignored: they started before the breaker opened.
 */
export function createBreakers(db: SqliteDatabase) {
  const get = db.prepare('SELECT * FROM tw_breakers WHERE key = ?');
  const create = db.prepare('INSERT INTO tw_breakers (key, changed_at, window_start) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING');
  const save = db.prepare(`UPDATE tw_breakers SET state = @state, consecutive_failures = @consecutive, window_start = @windowStart,
    window_calls = @calls, window_failures = @failures, opened_at = @openedAt, probe_job_id = @probe, changed_at = @changedAt, reason = @reason
    WHERE key = @key`);
  const configure = db.prepare(`INSERT INTO tw_breakers (key, failure_threshold, error_rate, window_ms, min_calls, cooldown_ms, changed_at, window_start)
    VALUES (@key, @failureThreshold, @errorRate, @windowMs, @minCalls, @cooldownMs, @now, @now)
    ON CONFLICT (key) DO UPDATE SET failure_threshold = excluded.failure_threshold, error_rate = excluded.error_rate,
      window_ms = excluded.window_ms, min_calls = excluded.min_calls, cooldown_ms = excluded.cooldown_ms`);
  const reset = db.prepare(`UPDATE tw_breakers SET state = 'closed', consecutive_failures = 0, window_start = @now, window_calls = 0,
    window_failures = 0, opened_at = NULL, probe_job_id = NULL, changed_at = @now, reason = 'reset by request' WHERE key = @key`);
  const list = db.prepare('SELECT * FROM tw_breakers ORDER BY key');

  /** Feeds one outcome (success or failure) of a job with this breaker key; returns the change it caused. */
  const recordOutcome = (key: string, jobId: number, success: boolean, now: number): BreakerChange | null => {
    let row = get.get(key) as BreakerRow | undefined;
    if (!row) {
      if (success) return null; // a closed breaker with no failures has nothing to count
      create.run(key, now, now);
      row = get.get(key) as BreakerRow;
    }
    const next = { ...row };
    let change: BreakerChange | null = null;
    const move = (to: BreakerState, reason: string): void => {
      change = { key, from: row.state, to, at: now, reason };
      next.state = to;
      next.changed_at = now;
      next.reason = reason;
    };
    if (row.state === 'closed') {
      if (now - row.window_start >= row.window_ms) Object.assign(next, { window_start: now, window_calls: 0, window_failures: 0 });
      next.window_calls++;
      if (success) next.consecutive_failures = 0;
      else {
        next.consecutive_failures++;
        next.window_failures++;
      }
      const rateTripped = row.error_rate !== null && next.window_calls >= row.min_calls && next.window_failures / next.window_calls >= row.error_rate;
      if (!success && next.consecutive_failures >= row.failure_threshold) move('open', `${next.consecutive_failures} consecutive failures`);
      else if (!success && rateTripped) move('open', `error rate ${next.window_failures}/${next.window_calls} in the window`);
      if (next.state === 'open') next.opened_at = now;
    } else if (row.state === 'half_open' && row.probe_job_id === jobId) {
      if (success) {
        move('closed', `probe job ${jobId} succeeded`);
        Object.assign(next, { consecutive_failures: 0, window_start: now, window_calls: 0, window_failures: 0, opened_at: null, probe_job_id: null });
      } else {
        move('open', `probe job ${jobId} failed`);
        Object.assign(next, { opened_at: now, probe_job_id: null });
      }
    } else {
      return null;
    }
    if (success && row.state === 'closed' && row.error_rate === null && row.consecutive_failures === 0) return null; // nothing changed
    save.run({
      key,
      state: next.state,
      consecutive: next.consecutive_failures,
      windowStart: next.window_start,
      calls: next.window_calls,
      failures: next.window_failures,
      openedAt: next.opened_at,
      probe: next.probe_job_id,
      changedAt: next.changed_at,
      reason: next.reason,
    });
    return change;
  };

  return {
    recordOutcome,
    configure: (key: string, config: BreakerConfig, now: number) => configure.run({ key, ...config, now }),
    reset: (key: string, now: number) => reset.run({ key, now }).changes > 0,
    list: (): Breaker[] => (list.all() as BreakerRow[]).map(breakerFromRow),
  };
}
