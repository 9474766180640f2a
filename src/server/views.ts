import type { JobTransition } from '../core/job.js';
import type { StepRecord } from '../store/types.js';

/** A step record with its JSON fields parsed, as the API shows it. */
export function stepView(step: StepRecord) {
  return {
    stepId: step.stepId,
    seq: step.seq,
    status: step.status,
    input: step.inputJson === null || step.inputJson === undefined ? undefined : (JSON.parse(step.inputJson) as unknown),
    output: step.outputJson === null ? undefined : (JSON.parse(step.outputJson) as unknown),
    error: step.error,
    attempts: step.attempts,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    usage: step.usage,
  };
}

/** Attempts read off the transition history: each starts when the job entered `running`. */
export function attemptsOf(transitions: readonly JobTransition[]) {
  const attempts: { attempt: number; startedAt: number; endedAt: number | null; outcome: JobTransition['to'] | null; workerId: string | null }[] = [];
  transitions.forEach((t, i) => {
    if (t.to !== 'running') return;
    const next = transitions[i + 1];
    attempts.push({ attempt: t.attempt, startedAt: t.at, endedAt: next?.at ?? null, outcome: next?.to ?? null, workerId: t.reason });
  });
  return attempts;
}
