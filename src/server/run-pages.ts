import type { Job, JobState } from '../core/job.js';
import type { Taskwright } from '../runtime/engine.js';
import { RUN_JOB_STATES, runStatusOf, type RunStatus } from '../workflow/run-view.js';

export type RunSummary = Job & { runStatus: RunStatus };

/** Orders ids numerically when both are numbers (SQLite, PostgreSQL), else as text. */
export function compareIds(a: string, b: string): number {
  return /^\d+$/.test(a) && /^\d+$/.test(b) ? a.length - b.length || (a < b ? -1 : a > b ? 1 : 0) : a.localeCompare(b);
}

/**
 * One page of runs of the given workflows, newest first, optionally in one run status, starting
 * below the `before` id. Candidates are read in id order across workflows and job states, so the
 * cursor stays exact even when the status filter drops some of them.
 */
export async function pageRuns(
  engine: Taskwright,
  query: { workflows: readonly string[]; status?: RunStatus; limit: number; before?: string },
): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
  const states: (JobState | undefined)[] = query.status ? RUN_JOB_STATES[query.status] : [undefined];
  const runs: RunSummary[] = [];
  let cursor = query.before;
  if (query.workflows.length === 0) return { runs, nextCursor: null };
  for (;;) {
    const reads = query.workflows.flatMap((name) => states.map((state) => engine.listJobs({ name, ...(state && { state }), limit: query.limit, ...(cursor !== undefined && { before: cursor }) })));
    const unique = new Map((await Promise.all(reads)).flat().map((job) => [job.id, job]));
    const candidates = [...unique.values()].sort((a, b) => compareIds(b.id, a.id)).slice(0, query.limit);
    for (const job of candidates) {
      const runStatus = await runStatusOf(engine, job);
      if (query.status && runStatus !== query.status) continue;
      runs.push({ ...job, runStatus });
      if (runs.length === query.limit) return { runs, nextCursor: job.id };
    }
    if (candidates.length < query.limit) return { runs, nextCursor: null };
    cursor = (candidates[candidates.length - 1] as Job).id;
  }
}
