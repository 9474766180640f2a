import type { Outcome } from '../store/types.js';
import type { EngineEventBus } from '../telemetry/events.js';
import type { ActiveJob } from './executor.js';

/** Emits the event that matches a persisted outcome. */
export function reportOutcome(events: EngineEventBus, active: ActiveJob, outcome: Outcome, now: number): void {
  const c = active.claimed;
  if (outcome.type === 'completed') {
    if (events.has('job:completed')) {
      events.emit('job:completed', {
        jobId: c.id,
        name: c.name,
        queue: c.queue,
        attempt: c.attempt,
        durationMs: now - active.startedAt,
        result: active.result,
      });
    }
    return;
  }
  const ref = { jobId: c.id, name: c.name, queue: c.queue, attempt: c.attempt };
  switch (outcome.type) {
    case 'retry':
      events.emit('job:retrying', { ...ref, error: outcome.error, runAt: outcome.runAt });
      return;
    case 'failed':
    case 'dead':
      events.emit('job:failed', { ...ref, error: outcome.error, state: outcome.type });
      return;
    case 'snoozed':
      events.emit('job:snoozed', { ...ref, runAt: outcome.runAt });
      return;
    case 'cancelled':
      events.emit('job:cancelled', ref);
      return;
    case 'released':
      events.emit('job:released', ref);
      return;
  }
}
