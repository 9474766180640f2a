/**
 * The API's shapes, inferred from the server's own zod contracts (type-only imports: nothing of
 * the server is bundled), so a change to a response shape breaks the dashboard's typecheck. They
 * come from the build's declarations (dist/), which `npm run build` writes before the bundle.
 */
import type { z } from 'zod';
import type { AttemptSchema, JobSchema, LogSchema, StepSchema, TransitionSchema } from '../../dist/server/schemas/jobs.js';
import type { RunLogSchema, RunSchema } from '../../dist/server/schemas/runs.js';

export type Job = z.infer<typeof JobSchema>;
export type JobState = Job['state'];
export type Attempt = z.infer<typeof AttemptSchema>;
export type LogEntry = z.infer<typeof LogSchema>;
export type Transition = z.infer<typeof TransitionSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Run = z.infer<typeof RunSchema>;
export type RunStep = Run['steps'][number];
export type RunLog = z.infer<typeof RunLogSchema>;

export interface JobDetails {
  job: Job;
  checkpointToken: string | null;
  attempts: Attempt[];
  logs: LogEntry[];
  transitions: Transition[];
  steps: Step[];
}

export interface QueueInfo {
  queue: string;
  paused: boolean;
  counts: Record<string, number>;
  oldestQueuedAgeMs: number | null;
}

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  tags: string[];
  concurrency: number;
  state: string;
  startedAt: number;
  heartbeatAt: number;
  running: number;
}

export interface Breaker {
  key: string;
  state: string;
  consecutiveFailures: number;
  openedAt: number | null;
  changedAt: number;
  reason: string | null;
}

export interface Limit {
  key: string;
  concurrency: number | null;
  rate: { count: number; intervalMs: number } | null;
}

export interface Schedule {
  id: string;
  paused: boolean;
  input: Record<string, unknown>;
  lastFireAt: number | null;
  lastJobId: string | null;
  nextFireAt?: number | null;
  runCount?: number;
  createdAt: number;
  updatedAt: number;
}

export interface ScheduleFire {
  id: string;
  scheduleId: string;
  dueAt: number;
  firedAt: number;
  action: string;
  jobId: string | null;
  count: number;
}

export interface Timer {
  id: string;
  kind: string;
  fireAt: number;
  jobId: string | null;
  scheduleId: string | null;
  name: string;
}

export type RunSummary = Job & { runStatus: Run['status'] };
export type Role = 'read' | 'admin';
