import { compileBudget, type BudgetInput, type Usage } from '../core/budget.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import type { StepRecord } from '../store/types.js';
import type { Job } from '../core/job.js';
import type { Taskwright } from '../runtime/engine.js';
import { PARENT_TAG, RERUN_FROM_TAG, RERUN_TAG } from './steps.js';

/**
 * Cancel a run and every run it started, depth first: waiting runs never start, running ones see
 * their signal abort. Runs that already finished are left as they are.
 */
export async function cancelRun(engine: Taskwright, runId: string): Promise<string[]> {
  const cancelled: string[] = [];
  const visit = async (id: string): Promise<void> => {
    for (const child of await engine.listJobs({ tag: `${PARENT_TAG}${id}`, limit: 10_000 })) await visit(child.id);
    const job = await engine.getJob(id);
    if (job.state === 'scheduled' || job.state === 'queued' || job.state === 'running') {
      await engine.cancel(id);
      cancelled.push(id);
    }
  };
  await visit(runId);
  return cancelled;
}

/** Give a run (typically one paused by a budget breach) a new budget; a paused run resumes now. */
export async function resumeRun(engine: Taskwright, runId: string, budget: BudgetInput): Promise<Job> {
  return engine.store.setBudget(String(runId), JSON.stringify(compileBudget(budget)), engine.clock.now());
}

/** Sums what a run's steps reported spending. */
export function runUsage(steps: readonly StepRecord[]): Usage {
  return steps.reduce((sum, s) => ({ tokens: sum.tokens + (s.usage?.tokens ?? 0), costUsd: sum.costUsd + (s.usage?.costUsd ?? 0) }), { tokens: 0, costUsd: 0 });
}

/** Start a new run of a finished run's workflow and input that reuses the steps before `fromStep`. */
export async function rerunFrom(engine: Taskwright, runId: string, fromStep: string): Promise<Job> {
  const { job, steps } = await engine.getJobDetails(runId);
  if (job.state === 'scheduled' || job.state === 'queued' || job.state === 'running') {
    throw new ConflictError(`cannot rerun run ${runId}: it is still ${job.state}`);
  }
  if (!steps.some((s) => s.stepId === fromStep)) {
    throw new ValidationError(`expected --from to name a step of run ${runId} (${steps.map((s) => s.stepId).join(', ') || 'it has none'}), got ${JSON.stringify(fromStep)}`);
  }
  const { id } = await engine.enqueue(job.name, job.payload, {
    queue: job.queue,
    priority: job.priority,
    attempts: job.maxAttempts,
    tags: [...job.tags.filter((t) => !t.startsWith(RERUN_TAG) && !t.startsWith(RERUN_FROM_TAG)), `${RERUN_TAG}${runId}`, `${RERUN_FROM_TAG}${fromStep}`],
  });
  return engine.getJob(id);
}
