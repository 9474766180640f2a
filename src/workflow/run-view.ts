import { NotFoundError } from '../core/errors.js';
import type { Job, JobError, JobLogEntry, JobState, JobTransition } from '../core/job.js';
import type { Taskwright } from '../runtime/engine.js';
import type { StepRecord } from '../store/types.js';
import { runUsage } from './runs.js';
import { PARENT_TAG } from './steps.js';

/** A run's own state machine: pending -> running -> completed | failed | cancelled, and paused (budget). */
export const RUN_STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';

export interface RunTransition {
  at: number;
  from: RunStatus | null;
  to: RunStatus;
  /** why: the worker that took it, a pause or failure message, a cancel request */
  cause: string | null;
}

export interface RunStep {
  id: string;
  status: StepStatus;
  /** a running step parked durably: sleeping, or waiting for an event (or a child run) */
  parked?: 'sleeping' | 'waiting';
  input: unknown;
  output: unknown;
  error: JobError | null;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  attempts: number;
  usage: { tokens: number; costUsd: number } | null;
}

export interface RunLog {
  at: number;
  level: JobLogEntry['level'];
  message: string;
  fields: Record<string, unknown> | undefined;
  stepId: string | null;
  attempt: number;
}

export interface RunView {
  id: string;
  workflow: string;
  status: RunStatus;
  input: unknown;
  output: unknown;
  error: JobError | null;
  parentId: string | null;
  tags: string[];
  createdAt: number;
  finishedAt: number | null;
  attempt: number;
  history: RunTransition[];
  steps: RunStep[];
  logs: RunLog[];
  usage: { tokens: number; costUsd: number; steps: number; wallTimeMs: number };
  budget: Job['budget'];
}

const ENDED: Partial<Record<JobState, RunStatus>> = { completed: 'completed', failed: 'failed', dead: 'failed', cancelled: 'cancelled' };
export const isPauseReason = (reason: string | null): boolean => reason?.startsWith('paused:') === true;

/**
 * The run's transitions, read from its job's history: a run is pending until a worker first takes
 * it, then running (parked sleeps, waits and retries included) until it pauses or ends. A run
 * retried after it ended is pending again.
 */
export function runHistory(transitions: readonly JobTransition[]): RunTransition[] {
  const history: RunTransition[] = [];
  let current: RunStatus | null = null;
  for (const t of transitions) {
    let next: RunStatus;
    const ended = ENDED[t.to];
    if (ended) next = ended;
    else if (t.to === 'running') next = 'running';
    else if (current === null || current === 'pending' || ENDED[t.from ?? 'queued'] !== undefined) next = 'pending';
    else if (isPauseReason(t.reason)) next = 'paused';
    // a paused run made due again stays paused until a worker takes it
    else if (current === 'paused' && t.to === 'queued') next = 'paused';
    else next = 'running';
    if (next === current) continue;
    history.push({ at: t.at, from: current, to: next, cause: t.to === 'running' && t.reason ? `attempt ${t.attempt} on worker ${t.reason}` : t.reason });
    current = next;
  }
  return history;
}

const parse = (json: string | null | undefined): unknown => (json === null || json === undefined ? null : JSON.parse(json));

function stepView(step: StepRecord, runStatus: RunStatus): RunStep {
  const ended = runStatus === 'completed' || runStatus === 'failed' || runStatus === 'cancelled';
  let status: StepStatus;
  let parked: RunStep['parked'];
  switch (step.status) {
    case 'sleeping':
    case 'waiting':
    case 'running':
      status = ended ? 'cancelled' : 'running';
      if (step.status !== 'running' && !ended) parked = step.status;
      break;
    case 'pending':
      status = ended ? 'cancelled' : 'pending';
      break;
    default:
      status = step.status;
  }
  const started = step.status !== 'pending' && step.status !== 'skipped';
  return {
    id: step.stepId,
    status,
    ...(parked && { parked }),
    input: parse(step.inputJson),
    output: step.status === 'completed' ? parse(step.outputJson) : null,
    error: step.error,
    startedAt: started ? step.startedAt : null,
    finishedAt: step.finishedAt,
    durationMs: started && step.finishedAt !== null ? step.finishedAt - step.startedAt : null,
    attempts: step.attempts,
    usage: step.usage,
  };
}

/** A workflow run as a run: status, history, steps, logs and usage. */
export async function getRun(engine: Taskwright, runId: string): Promise<RunView> {
  let details;
  try {
    details = await engine.getJobDetails(runId);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`no run with id ${JSON.stringify(runId)}`, { runId });
    throw error;
  }
  const { job, transitions, logs, steps } = details;
  const history = runHistory(transitions);
  const status = history.at(-1)?.to ?? ENDED[job.state] ?? (job.state === 'running' ? 'running' : 'pending');
  const spent = runUsage(steps);
  const end = job.finishedAt ?? engine.clock.now();
  return {
    id: job.id,
    workflow: job.name,
    status,
    input: job.payload,
    output: job.result,
    error: job.error,
    parentId: job.tags.find((t) => t.startsWith(PARENT_TAG))?.slice(PARENT_TAG.length) ?? null,
    tags: job.tags,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    attempt: job.attempt,
    history,
    steps: steps.map((s) => stepView(s, status)),
    logs: logs.map((l) => ({ at: l.at, level: l.level, message: l.message, fields: l.fields, stepId: l.stepId ?? null, attempt: l.attempt })),
    usage: { ...spent, steps: steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped').length, wallTimeMs: end - job.createdAt },
    budget: job.budget,
  };
}

/** The job states a run in `status` can be in (a run's status is derived from its job). */
export const RUN_JOB_STATES: Record<RunStatus, JobState[]> = {
  pending: ['queued', 'scheduled'],
  running: ['running', 'scheduled', 'queued'],
  paused: ['scheduled', 'queued'],
  completed: ['completed'],
  failed: ['failed', 'dead'],
  cancelled: ['cancelled'],
};

/** A run's status: from its job's state when that decides it, else from its run history (one read). */
export async function runStatusOf(engine: Taskwright, job: Job): Promise<RunStatus> {
  const known = ENDED[job.state] ?? (job.state === 'running' ? 'running' : undefined);
  return known ?? runHistory((await engine.getJobDetails(job.id)).transitions).at(-1)?.to ?? 'pending';
}

/** Runs newest first, optionally of one workflow and in one run status. */
export async function listRuns(engine: Taskwright, filter: { workflow?: string; status?: RunStatus; limit?: number } = {}): Promise<Array<Job & { runStatus: RunStatus }>> {
  const limit = filter.limit ?? 50;
  const states: (JobState | undefined)[] = filter.status ? RUN_JOB_STATES[filter.status] : [undefined];
  const found = new Map<string, Job & { runStatus: RunStatus }>();
  for (const state of states) {
    for (const job of await engine.listJobs({ ...(filter.workflow && { name: filter.workflow }), ...(state && { state }), limit: filter.status ? limit * 4 : limit })) {
      const runStatus = await runStatusOf(engine, job);
      if (!filter.status || runStatus === filter.status) found.set(job.id, { ...job, runStatus });
    }
  }
  return [...found.values()].sort((a, b) => Number(b.id) - Number(a.id) || b.id.localeCompare(a.id)).slice(0, limit);
}
