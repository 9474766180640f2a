import type { Breaker, BreakerState } from '../core/flow.js';

/** A circuit breaker row as the SQL drivers read it (the columns the readback needs). */
export interface BreakerRow {
  key: string;
  failure_threshold: number;
  error_rate: number | null;
  window_ms: number;
  min_calls: number;
  cooldown_ms: number;
  state: BreakerState;
  consecutive_failures: number;
  window_calls: number;
  window_failures: number;
  opened_at: number | null;
  probe_job_id: number | null;
  changed_at: number;
  reason: string | null;
}

export function breakerFromRow(row: BreakerRow): Breaker {
  return {
    key: row.key,
    failureThreshold: row.failure_threshold,
    errorRate: row.error_rate,
    windowMs: row.window_ms,
    minCalls: row.min_calls,
    cooldownMs: row.cooldown_ms,
    state: row.state,
    consecutiveFailures: row.consecutive_failures,
    windowCalls: row.window_calls,
    windowFailures: row.window_failures,
    openedAt: row.opened_at,
    probeJobId: row.probe_job_id === null ? null : String(row.probe_job_id),
    changedAt: row.changed_at,
    reason: row.reason,
  };
}
