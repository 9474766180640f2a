export { Taskwright, type TaskwrightOptions, type EnqueueItem, type DrainOptions } from './runtime/engine.js';
export { defineJob, type JobDefinition, type JobHandler } from './runtime/handlers.js';
export type { JobContext } from './runtime/context.js';
export { Worker } from './runtime/worker.js';
export type { WorkerOptions } from './runtime/worker-options.js';
export type { EnqueueOptions } from './core/options.js';
export type { Job, JobState, JobError, EnqueueResult, JobLogEntry, JobTransition } from './core/job.js';
export { JOB_STATES } from './core/job.js';
export type { BackoffPolicy } from './core/backoff.js';
export { backoffDelay } from './core/backoff.js';
export { parseDuration, type Duration } from './core/duration.js';
export {
  TaskwrightError,
  ValidationError,
  NotFoundError,
  ConflictError,
  StoreError,
  NonRetryableError,
  SnoozeError,
  JobTimeoutError,
  JobCancelledError,
  ShutdownError,
} from './core/errors.js';
export type { Clock } from './core/clock.js';
export type { Store, StoreCapabilities } from './store/store.js';
export type { JobDetails, JobFilter, QueueStats, CheckpointStats, NameStats } from './store/types.js';
export type { EngineEvents, EngineEventName } from './telemetry/events.js';
export { defineWorkflow, type WorkflowFunction } from './workflow/define-workflow.js';
export type { Step, StepOptions, WaitForEventOptions, ChildOptions } from './workflow/steps.js';
export { ReplayDivergenceError } from './workflow/errors.js';
export type { StepRecord } from './store/types.js';
export { defineShardTask, runSharded } from './workflow/shard.js';
export { cancelRun, rerunFrom, resumeRun, runUsage } from './workflow/runs.js';
export { splitBudget, type Budget, type BudgetInput, type Usage } from './core/budget.js';
export { BudgetCancelError } from './workflow/errors.js';
export { defineDag, DagBuilder, type NodeRef, type NodeOptions } from './workflow/graph/define-dag.js';
export { dagFromJson, type DagJson } from './workflow/graph/from-json.js';
export { transformNode, conditionNode, httpNode, type HttpNodeConfig } from './workflow/graph/builtin-nodes.js';
export type { DagResult, NodeInput } from './workflow/graph/execute.js';
export { codeNode, runCodeInSandbox, SandboxError, type SandboxLimits } from './workflow/graph/code-node.js';
export { PRIORITY_NAMES, type PriorityName, type FlowLimit, type LimitInput, type Breaker, type BreakerInput, type BreakerState, type BreakerChange } from './core/flow.js';
export type { QueueInfo } from './runtime/flow-admin.js';
export type { WorkerRecord, FlowChange, FlowSnapshot } from './store/types.js';
export type { AutoscaleOptions } from './runtime/worker-options.js';
export {
  OVERLAP_POLICIES,
  CATCH_UP_POLICIES,
  type ScheduleInput,
  type ScheduleDefinition,
  type ScheduleTiming,
  type OverlapPolicy,
  type CatchUpPolicy,
} from './core/schedule.js';
export { ScheduleRunner } from './runtime/scheduler.js';
export type { ScheduleOperations } from './store/store.js';
export type { ScheduleRecord, ScheduleFire, Timer, TimerKind, TimerFilter, TimerStats, ClaimSchedulesResult } from './store/schedule-types.js';
export { TIMER_KINDS } from './store/schedule-types.js';
export { getRun, listRuns, RUN_STATUSES, type RunView, type RunStatus, type RunStep, type StepStatus, type RunTransition, type RunLog } from './workflow/run-view.js';
export { RunTimeoutError } from './workflow/errors.js';
export type { StepTools, ChildSpec } from './workflow/steps.js';
export { onJobEnded, type EndedJob, type EndHook } from './runtime/end-hooks.js';
export { sqlNode, type SqlNodeConfig, type SqlConnection } from './workflow/graph/sql-node.js';
export { outputValidator, type JsonSchema } from './workflow/output-schema.js';
export type { SqlQueryOptions, SqlQueryResult } from './store/store.js';
export type { TriggerInput, WebhookInput } from './core/trigger.js';
export type { EventMatch, EventEnvelope } from './core/event-match.js';
export type { TriggerView, SendEventOptions, SendEventResult } from './runtime/triggers.js';
export type { TriggerOperations, TriggerRecord, TriggerFire, PublishResult, PlannedTriggerJob } from './store/trigger-types.js';
export { MAX_BACKFILL_DUE_TIMES, type BackfillInput, type BackfillResult } from './runtime/schedule-backfill.js';
