import type { JobState } from '../../core/job.js';
import type { Outcome, Settlement } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';
import { parseJobId } from './rows.js';
import { transitionRecorder } from './transitions.js';

// Every statement is fenced on (id, running, worker, attempt): a worker whose lease was taken away
// changes nothing, so a rescued job cannot be completed twice.
const FENCE = "WHERE id = @id AND state = 'running' AND worker_id = @workerId AND attempt = @attempt";
const CLEAR_LEASE = 'worker_id = NULL, lease_expires_at = NULL, cancel_requested = 0, updated_at = @now';
const CLEAR_CHECKPOINT = 'checkpoint_token = NULL, checkpoint_data = NULL, checkpoint_encoding = NULL';

function targetState(outcome: Outcome): JobState {
  switch (outcome.type) {
    case 'completed':
      return 'completed';
    case 'retry':
    case 'snoozed':
      return 'scheduled';
    case 'failed':
      return 'failed';
    case 'dead':
      return 'dead';
    case 'cancelled':
      return 'cancelled';
    case 'released':
      return 'queued';
  }
}

function reasonOf(outcome: Outcome): string | null {
  switch (outcome.type) {
    case 'retry':
    case 'failed':
    case 'dead':
      return outcome.error.message;
    case 'cancelled':
      return outcome.error?.message ?? 'cancelled';
    case 'snoozed':
      return 'snoozed';
    case 'released':
      return 'released';
    case 'completed':
      return null;
  }
}

export function createSettle(db: SqliteDatabase) {
  const record = transitionRecorder(db);
  const statements = {
    completed: db.prepare(`UPDATE tw_jobs SET state = 'completed', result = @result, finished_at = @now, progress = NULL,
      ${CLEAR_LEASE}, ${CLEAR_CHECKPOINT} ${FENCE}`),
    retry: db.prepare(`UPDATE tw_jobs SET state = 'scheduled', run_at = @runAt, error = @error, ${CLEAR_LEASE} ${FENCE}`),
    terminalFailure: db.prepare(`UPDATE tw_jobs SET state = @state, error = @error, finished_at = @now, ${CLEAR_LEASE} ${FENCE}`),
    snoozed: db.prepare(`UPDATE tw_jobs SET state = 'scheduled', run_at = @runAt, attempt = attempt - 1, ${CLEAR_LEASE} ${FENCE}`),
    cancelled: db.prepare(`UPDATE tw_jobs SET state = 'cancelled', error = @error, finished_at = @now, ${CLEAR_LEASE} ${FENCE}`),
    released: db.prepare(`UPDATE tw_jobs SET state = 'queued', attempt = attempt - 1, ${CLEAR_LEASE} ${FENCE}`),
  };

  const applyOne = (settlement: Settlement, now: number): boolean => {
    const id = parseJobId(settlement.id);
    if (id === null) return false;
    const fence = { id, workerId: settlement.workerId, attempt: settlement.attempt, now };
    const outcome = settlement.outcome;
    let changes: number;
    switch (outcome.type) {
      case 'completed':
        changes = statements.completed.run({ ...fence, result: outcome.resultJson }).changes;
        break;
      case 'retry':
        changes = statements.retry.run({ ...fence, runAt: outcome.runAt, error: JSON.stringify(outcome.error) }).changes;
        break;
      case 'failed':
      case 'dead':
        changes = statements.terminalFailure.run({ ...fence, state: outcome.type, error: JSON.stringify(outcome.error) }).changes;
        break;
      case 'snoozed':
        changes = statements.snoozed.run({ ...fence, runAt: outcome.runAt }).changes;
        break;
      case 'cancelled':
        changes = statements.cancelled.run({ ...fence, error: outcome.error ? JSON.stringify(outcome.error) : null }).changes;
        break;
      case 'released':
        changes = statements.released.run(fence).changes;
        break;
    }
    if (changes === 0) return false;
    const attempt = outcome.type === 'snoozed' || outcome.type === 'released' ? settlement.attempt - 1 : settlement.attempt;
    record(id, now, 'running', targetState(outcome), attempt, reasonOf(outcome));
    return true;
  };

  const settleAll = db.transaction((settlements: readonly Settlement[], now: number) => {
    const applied: string[] = [];
    for (const settlement of settlements) if (applyOne(settlement, now)) applied.push(settlement.id);
    return applied;
  });
  return (settlements: readonly Settlement[], now: number): string[] => settleAll.immediate(settlements, now);
}
