import type { ClaimRequest, ClaimResult, SettleResult, Settlement } from '../../store/types.js';
import { claimCtes, claimParams, claimSelect, fromRows } from './claim.js';
import type { Queryable } from './connection.js';
import { SETTLE_PARAMS, settleCtes, settleParams } from './settle.js';
import type { SchemaNames } from './sql.js';

/**
 * The worker's steady state as one statement: the settle CTEs, then the claim CTEs. Both see the
 * snapshot taken before the statement, which is safe because they touch disjoint rows (settled
 * jobs are running; claimed ones queued). An outcome that makes a job claimable at once
 * (release, due retry, snooze) takes the two-statement path instead, so the claim sees it.
 */
export function createSettleAndClaim(t: SchemaNames) {
  const statement = {
    name: `${t.prefix}settle_claim`,
    text: `WITH ${settleCtes(t)}, ${claimCtes(t, SETTLE_PARAMS)} ${claimSelect(
      "(SELECT string_agg(id::text, ',') FROM settled)",
      "(SELECT string_agg(id::text, ',') FROM settled WHERE cancelled_instead)",
      '(SELECT changes FROM breakers_fed)',
      '(SELECT count(*) FROM settled WHERE concurrency_key IS NOT NULL)::int',
      "(SELECT min(run_at) FROM settled WHERE to_state = 'scheduled')::text",
    )}`,
    rowMode: 'array' as const,
  };
  /**
   * `gated`: the claim part claimed nothing and must go through the flow gate (the settle part
   * applied); `freed`: the settle freed a concurrency slot or closed a breaker (see freedFlow);
   * `scheduledAt`: the earliest run time of settled jobs that became scheduled (for the stager).
   */
  return async (
    db: Queryable,
    settlements: readonly Settlement[],
    request: ClaimRequest,
  ): Promise<{ settled: SettleResult; claim: ClaimResult; gated: boolean; freed: boolean; scheduledAt: number | null }> => {
    const values = [...settleParams(settlements, request.now), ...claimParams(request)];
    const { rows } = await db.query<unknown[]>({ ...statement, values });
    const { claim, gated, settledIds, cancelledIds, breakerChanges, freedSlots, scheduledAt } = fromRows(rows as unknown[][]);
    const settled: SettleResult = { applied: settledIds, cancelled: cancelledIds };
    const freed = freedSlots > 0 || breakerChanges.some((c) => c.to === 'closed');
    return { settled: breakerChanges.length ? { ...settled, breakerChanges } : settled, claim, gated, freed, scheduledAt };
  };
}
