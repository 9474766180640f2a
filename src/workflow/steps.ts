import { AsyncLocalStorage } from 'node:async_hooks';
import { budgetBreach, splitBudget, type Budget, type BudgetInput, type Usage } from '../core/budget.js';
import { parseDuration, type Duration } from '../core/duration.js';
import { NonRetryableError, SnoozeError, ValidationError, describeValue } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { JobContext } from '../runtime/context.js';
import { toJobError } from '../runtime/outcome.js';
import type { StepRecord } from '../store/types.js';
import { CHECKPOINT_STEP_ID } from '../store/journal.js';
import type { JobLogEntry } from '../core/job.js';
import { BudgetCancelError, ReplayDivergenceError, RunTimeoutError } from './errors.js';
import { outputValidator } from './output-schema.js';
import { settleAll } from './settle-all.js';
import { childFinishedEvent, PARENT_TAG, type ChildOptions, type ChildOutcome, type ChildSpec, type Step, type StepOptions, type StepTools, type WaitForEventOptions } from './step-api.js';

export * from './step-api.js';

const isDone = (step: StepRecord | undefined): boolean => step?.status === 'completed' || step?.status === 'skipped';
/** steps that count against a `steps` budget: every one that started */
const hasStarted = (step: StepRecord | undefined): boolean => step !== undefined && step.status !== 'pending' && step.status !== 'skipped';

export const RERUN_TAG = 'rerun-of:';
export const RERUN_FROM_TAG = 'rerun-from:';

function rerunSource(tags: string[]): { runId: string; fromStep: string } | null {
  const runId = tags.find((t) => t.startsWith(RERUN_TAG))?.slice(RERUN_TAG.length);
  const fromStep = tags.find((t) => t.startsWith(RERUN_FROM_TAG))?.slice(RERUN_FROM_TAG.length);
  return runId && fromStep ? { runId, fromStep } : null;
}

/**
 * A rerun starts from a chosen step: the steps the old run completed before it are copied into
 * this run's journal, so they replay with their recorded outputs instead of running again.
 */
async function adoptSteps(ctx: JobContext, runId: string, fromStep: string): Promise<StepRecord[]> {
  const old = await ctx.journal.listOf(runId);
  const from = old.find((s) => s.stepId === fromStep);
  if (!from) throw new NonRetryableError(`cannot rerun from step "${fromStep}": run ${runId} has no such step`);
  const kept = old.filter((s) => s.seq < from.seq && s.status === 'completed');
  for (const step of kept) await ctx.journal.save(step);
  return kept;
}

/** The step running in this async context and its usage accumulator (parallel steps each have one). */
const currentStep = new AsyncLocalStorage<{ stepId: string; usage: Usage }>();

/** A paused run waits this long unless resumed with more budget. */
const PAUSED_MS = 365 * 86_400_000;

/** How long a wait without a timeout parks before it looks again on its own. */
const UNBOUNDED_WAIT_MS = 7 * 86_400_000;

const matches = (data: unknown, match: Record<string, unknown> | undefined): boolean =>
  match === undefined ||
  (typeof data === 'object' && data !== null && Object.entries(match).every(([k, v]) => JSON.stringify((data as Record<string, unknown>)[k]) === JSON.stringify(v)));

/** How many event-loop turns a new step waits at most for parallel branches to catch up in a replay. */
const MAX_REPLAY_TURNS = 1000;

/**
 * Replays a run from its journal. Steps are matched by id; the order in which the run first
 * reached each step is recorded, and any change to that order is reported as a divergence.
 */
export class StepRunner implements Step {
  private readonly recorded = new Map<string, StepRecord>();
  private readonly visited = new Set<string>();
  /** the step this run reached last, named when the timebox passes mid-step */
  lastStepId: string | null = null;
  private nextSeq = 0;
  private strictOrder = true;
  /** the run's timebox: no step starts after it, and waits end at it */
  private deadline: number | null = null;

  /** true when the run has recorded nothing yet: this attempt starts it */
  get isFresh(): boolean {
    return this.recorded.size === 0;
  }

  private constructor(
    private readonly ctx: JobContext,
    private readonly clock: Clock,
    journal: StepRecord[],
    readonly signal: AbortSignal,
  ) {
    for (const step of journal) this.recorded.set(step.stepId, step);
    this.nextSeq = journal.reduce((max, s) => Math.max(max, s.seq + 1), 0);
  }

  /**
   * @param strictOrder report a new step reached before a recorded one as a divergence. DAG runs
   * turn it off: their order comes from the graph and completion timing, not from the code.
   */
  static async load(ctx: JobContext, clock: Clock, strictOrder = true, timeboxMs: number | null = null, signal: AbortSignal = ctx.signal): Promise<StepRunner> {
    let journal = await ctx.journal.list();
    const rerun = rerunSource(ctx.job.tags);
    if (journal.length === 0 && rerun) journal = await adoptSteps(ctx, rerun.runId, rerun.fromStep);
    const runner = new StepRunner(ctx, clock, journal, signal);
    runner.strictOrder = strictOrder;
    runner.deadline = timeboxMs === null ? null : ctx.job.createdAt + timeboxMs;
    return runner;
  }

  async run<T>(id: string, fn: (tools: StepTools) => Promise<T> | T, options: StepOptions = {}): Promise<T> {
    const previous = await this.enter(id);
    if (previous?.status === 'skipped') return undefined as T;
    if (previous?.status === 'completed') return (previous.outputJson === null ? undefined : JSON.parse(previous.outputJson)) as T;
    // A cancelled or timed-out run starts no further step.
    if (this.signal.aborted) throw this.signal.reason;
    this.checkBudget(`before step "${id}"`, hasStarted(previous) ? 0 : 1);
    const startedAt = this.clock.now();
    const attempts = (previous?.attempts ?? 0) + 1;
    const seq = previous?.seq ?? this.nextSeq++;
    const usage: Usage = { tokens: 0, costUsd: 0 };
    const inputJson = options.input === undefined ? (previous?.inputJson ?? null) : (JSON.stringify(options.input) ?? null);
    const ref = { runId: this.ctx.job.id, workflow: this.ctx.job.name, stepId: id };
    // Recorded before it runs: a crash here shows as a running step, and the next attempt counts it.
    const started: StepRecord = { stepId: id, seq, status: 'running', inputJson, outputJson: null, error: null, attempts, startedAt, finishedAt: null, usage: null };
    await this.ctx.journal.save(started);
    this.recorded.set(id, started);
    this.ctx.emit('step:started', { ...ref, attempt: attempts });
    let output: T;
    try {
      output = await currentStep.run({ stepId: id, usage }, () => fn({ signal: this.signal, attempt: attempts, sql: (q, p, o) => this.ctx.sql(q, p, o) }));
      // A step that returns after its run was cancelled or timed out is not recorded as done: it stays
      // running in the journal (shown cancelled), and a rerun or retry runs it again.
      if (this.signal.aborted) throw this.signal.reason;
      if (options.output !== undefined) outputValidator(options.output, `step "${id}"`)(output);
      const outputJson = output === undefined ? null : JSON.stringify(output);
      const record: StepRecord = { stepId: id, seq, status: 'completed', inputJson, outputJson: outputJson ?? null, error: null, attempts, startedAt, finishedAt: this.clock.now(), usage };
      await this.ctx.journal.save(record);
      this.recorded.set(id, record);
      this.ctx.emit('step:completed', { ...ref, durationMs: (record.finishedAt ?? startedAt) - startedAt });
    } catch (error) {
      if (this.signal.aborted) throw error;
      const now = this.clock.now();
      const record: StepRecord = { stepId: id, seq, status: 'failed', inputJson, outputJson: null, error: toJobError(error, attempts, now), attempts, startedAt, finishedAt: now, usage };
      await this.ctx.journal.save(record);
      this.recorded.set(id, record);
      this.ctx.emit('step:failed', { ...ref, error: record.error?.message ?? String(error), attempt: attempts });
      const retry = options.retry;
      if (!retry) throw error;
      if (attempts < retry.attempts) throw new SnoozeError(parseDuration(retry.backoff ?? 0, `step ${id} retry.backoff`), `step ${id} failed (attempt ${attempts} of ${retry.attempts}), retrying`);
      throw new NonRetryableError(`step ${id} failed after ${attempts} attempts: ${(error as Error)?.message ?? String(error)}`);
    }
    // Outside the try: a breach stops the run but leaves the step completed with its usage, so a
    // resumed run neither runs it again nor loses what it spent.
    this.checkBudget(`after step "${id}"`, 0);
    return output;
  }

  sleep(id: string, duration: Duration): Promise<void> {
    return this.sleepUntil(id, this.clock.now() + parseDuration(duration, `step ${id} duration`));
  }

  async sleepUntil(id: string, until: Date | number): Promise<void> {
    const previous = await this.enter(id);
    if (isDone(previous)) return;
    if (this.signal.aborted) throw this.signal.reason;
    this.checkDeadline(`in step "${id}"`);
    const now = this.clock.now();
    // A relative sleep measures from when the run first reached it, not from each replay.
    const wakeAt = previous?.status === 'sleeping' ? (JSON.parse(previous.outputJson ?? '0') as number) : until instanceof Date ? until.getTime() : until;
    if (!Number.isFinite(wakeAt)) throw new ValidationError(`expected step ${id} to sleep until a date, got ${describeValue(until)}`);
    const seq = previous?.seq ?? this.nextSeq++;
    const inputJson = JSON.stringify({ until: new Date(wakeAt).toISOString() });
    if (now >= wakeAt) {
      await this.ctx.journal.save({ stepId: id, seq, status: 'completed', inputJson, outputJson: null, error: null, attempts: 1, startedAt: previous?.startedAt ?? now, finishedAt: now, usage: null });
      return;
    }
    if (previous?.status !== 'sleeping') {
      await this.ctx.journal.save({ stepId: id, seq, status: 'sleeping', inputJson, outputJson: JSON.stringify(wakeAt), error: null, attempts: 1, startedAt: now, finishedAt: null, usage: null });
    }
    throw new SnoozeError(this.capAtDeadline(wakeAt - now), `sleeping in step ${id} until ${new Date(wakeAt).toISOString()}`);
  }

  async waitForEvent<T = unknown>(id: string, options: WaitForEventOptions): Promise<T | null> {
    if (typeof options?.event !== 'string' || options.event.length === 0) {
      throw new ValidationError(`expected step ${id} to wait for an event name, got ${describeValue(options?.event)}`);
    }
    const previous = await this.enter(id);
    if (previous?.status === 'completed') return (previous.outputJson === null ? null : JSON.parse(previous.outputJson)) as T | null;
    if (this.signal.aborted) throw this.signal.reason;
    this.checkDeadline(`in step "${id}"`);
    const inputJson = JSON.stringify({ event: options.event, ...(options.match && { match: options.match }) });
    const now = this.clock.now();
    const startedAt = previous?.startedAt ?? now;
    const seq = previous?.seq ?? this.nextSeq++;
    const timeoutAt =
      previous?.status === 'waiting'
        ? (JSON.parse(previous.outputJson ?? '{}') as { timeoutAt: number | null }).timeoutAt
        : options.timeout === undefined ? null : now + parseDuration(options.timeout, `step ${id} timeout`);
    // Register the wait before looking, so an event sent in between still wakes the run.
    await this.ctx.journal.waitFor(id, options.event);
    const hit = (await this.ctx.journal.events(options.event, options.since ?? startedAt)).find((e) => matches(JSON.parse(e.dataJson), options.match));
    const finish = async (outputJson: string | null) =>
      this.ctx.journal.save({ stepId: id, seq, status: 'completed', inputJson, outputJson, error: null, attempts: 1, startedAt, finishedAt: now, usage: null });
    if (hit) {
      await finish(hit.dataJson);
      return JSON.parse(hit.dataJson) as T;
    }
    if (timeoutAt !== null && now >= timeoutAt) {
      await finish(null);
      return null;
    }
    if (previous?.status !== 'waiting') {
      await this.ctx.journal.save({ stepId: id, seq, status: 'waiting', inputJson, outputJson: JSON.stringify({ event: options.event, timeoutAt }), error: null, attempts: 1, startedAt, finishedAt: null, usage: null });
    }
    throw new SnoozeError(this.capAtDeadline(timeoutAt === null ? UNBOUNDED_WAIT_MS : timeoutAt - now), `step ${id} waits for event ${options.event}`);
  }

  start(id: string, workflow: string, input?: unknown, options: ChildOptions = {}): Promise<string> {
    // The idempotency key makes a replay of this step find the same child instead of a new one.
    return this.run(id, async () => {
      const parent = this.ctx.job.id;
      const child = await this.ctx.enqueue(workflow, input, {
        idempotencyKey: `child:${parent}:${id}`,
        tags: [`${PARENT_TAG}${parent}`],
        ...(options.budget && { budget: options.budget }),
      });
      return child.id;
    }, { input: { workflow, input: input ?? null } });
  }

  async invoke<T = unknown>(id: string, workflow: string, input?: unknown, options: ChildOptions = {}): Promise<T> {
    const childId = await this.start(`${id}:start`, workflow, input, options);
    // The child may finish before this wait is registered: its event name is unique, so any time counts.
    const outcome = await this.waitForEvent<ChildOutcome>(id, { event: childFinishedEvent(childId), since: 0 });
    if (!outcome || outcome.status !== 'completed') {
      throw new Error(`child workflow ${workflow} (run ${childId}) ${outcome?.status ?? 'failed'}: ${outcome?.error ?? 'no result'}`);
    }
    return outcome.output as T;
  }

  invokeAll<T = unknown>(id: string, children: readonly ChildSpec[]): Promise<T[]> {
    if (!Array.isArray(children)) throw new ValidationError(`expected step ${id} children to be an array of { workflow, input, weight }, got ${describeValue(children)}`);
    const budgets = this.childBudgets(children.map((c) => c.weight ?? 1));
    return settleAll(children.map((child, i) =>
      this.invoke<T>(child.id ?? `${id}:${i}`, child.workflow, child.input, budgets ? { budget: budgets[i] as BudgetInput } : {}),
    ));
  }

  /** What is left of this run's budget, split by weight; null when the run has no budget. */
  private childBudgets(weights: readonly number[]): BudgetInput[] | null {
    const budget = this.ctx.job.budget;
    if (!budget || weights.length === 0) return null;
    const spent = this.spent();
    const left: Budget = {
      ...budget,
      ...(budget.tokens !== undefined && { tokens: Math.max(0, budget.tokens - spent.tokens) }),
      ...(budget.costUsd !== undefined && { costUsd: Math.max(0, budget.costUsd - spent.costUsd) }),
      ...(budget.wallTimeMs !== undefined && { wallTimeMs: Math.max(1, budget.wallTimeMs - spent.wallTimeMs) }),
    };
    return splitBudget(left, weights).map(({ wallTimeMs, ...rest }) => ({ ...rest, ...(wallTimeMs !== undefined && { wallTime: wallTimeMs }) }));
  }

  async log(message: string, fields?: Record<string, unknown>, level: JobLogEntry['level'] = 'info'): Promise<void> {
    const stepId = currentStep.getStore()?.stepId;
    // Code between steps runs again on every replay; its log lines were written the first time.
    if (stepId === undefined && this.replaying()) return;
    await this.ctx.log(message, fields, level, stepId);
  }

  /** true while the run re-executes code it already ran: a finished step is still ahead */
  private replaying(): boolean {
    return this.unreachedDoneStep() !== null;
  }

  async skip(id: string): Promise<void> {
    const previous = await this.enter(id);
    if (isDone(previous)) return;
    const now = this.clock.now();
    const record: StepRecord = { stepId: id, seq: previous?.seq ?? this.nextSeq++, status: 'skipped', outputJson: null, error: null, attempts: 0, startedAt: now, finishedAt: now, usage: null };
    await this.ctx.journal.save(record);
    this.recorded.set(id, record);
  }

  async plan(ids: readonly string[]): Promise<void> {
    const now = this.clock.now();
    for (const id of ids) {
      if (this.recorded.has(id)) continue;
      const record: StepRecord = { stepId: id, seq: this.nextSeq++, status: 'pending', outputJson: null, error: null, attempts: 0, startedAt: now, finishedAt: null, usage: null };
      await this.ctx.journal.save(record);
      this.recorded.set(id, record);
    }
  }

  private checkDeadline(where: string): void {
    if (this.deadline !== null && this.clock.now() > this.deadline) {
      throw new RunTimeoutError(this.deadline - this.ctx.job.createdAt, where);
    }
  }

  /** A parked run wakes no later than its timebox, so it can fail on time. */
  private capAtDeadline(waitMs: number): number {
    return this.deadline === null ? waitMs : Math.max(0, Math.min(waitMs, this.deadline - this.clock.now() + 1));
  }

  usage(spent: Partial<Usage>): void {
    const current = currentStep.getStore()?.usage;
    if (!current) throw new ValidationError('step.usage() must be called inside step.run()');
    for (const key of ['tokens', 'costUsd'] as const) {
      const value = spent[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !(value >= 0)) throw new ValidationError(`expected usage.${key} to be a non-negative number, got ${describeValue(value)}`);
      current[key] += value;
    }
  }

  /** Totals over the recorded steps, plus wall time since the run was created. */
  spent(): Usage & { wallTimeMs: number; steps: number } {
    let tokens = 0;
    let costUsd = 0;
    let steps = 0;
    for (const step of this.recorded.values()) {
      if (!hasStarted(step)) continue;
      steps++;
      tokens += step.usage?.tokens ?? 0;
      costUsd += step.usage?.costUsd ?? 0;
    }
    return { tokens, costUsd, wallTimeMs: this.clock.now() - this.ctx.job.createdAt, steps };
  }

  /** At each step boundary: a run past its budget fails, ends cancelled, or pauses until given more. */
  private checkBudget(where: string, newSteps: number): void {
    this.checkDeadline(where);
    const budget = this.ctx.job.budget;
    if (!budget) return;
    const spent = this.spent();
    const breach = budgetBreach(budget, { ...spent, steps: spent.steps + newSteps });
    if (breach === null) return;
    const message = `budget exceeded ${where}: ${breach}`;
    if (budget.onBreach === 'cancel') throw new BudgetCancelError(message);
    if (budget.onBreach === 'pause') throw new SnoozeError(PAUSED_MS, `paused: ${message}; resume with more budget`);
    throw new NonRetryableError(message);
  }

  /** Called when the workflow function returned: every recorded step must have been reached. */
  assertAllReplayed(): void {
    for (const step of this.recorded.values()) {
      if (isDone(step) && !this.visited.has(step.stepId)) {
        throw new ReplayDivergenceError(`the run recorded step "${step.stepId}" but the workflow no longer reaches it; the code changed under a running workflow`, { stepId: step.stepId });
      }
    }
  }

  private async enter(id: string): Promise<StepRecord | undefined> {
    if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
      throw new ValidationError(`expected a step id of 1 to 200 characters, got ${describeValue(id)}`);
    }
    if (id === CHECKPOINT_STEP_ID) throw new ValidationError(`step id "${id}" is reserved for job checkpoints; choose another step id`);
    if (this.visited.has(id)) throw new ValidationError(`step id "${id}" is used twice in one run; step ids must be unique`);
    this.visited.add(id);
    this.lastStepId = id;
    const previous = this.recorded.get(id);
    if (isDone(previous)) return previous;
    // A new step while a recorded one was never reached means the order of steps changed. A step
    // already recorded but not done (running, waiting, sleeping, failed) may be reached in another
    // order: parallel branches reach their steps in the order their store calls return, which a
    // networked store does not keep from one attempt to the next.
    if (!this.strictOrder || previous !== undefined || this.unreachedDoneStep() === null) return previous;
    // Parallel branches (Promise.all over steps) replay in turns: this branch may reach its first
    // new step before another branch has replayed its finished ones. Those replay from the journal
    // without I/O, so letting the other branches run until they stop advancing tells a branch
    // that is merely behind from a step that is gone.
    await this.letOtherBranchesReplay();
    const unreached = this.unreachedDoneStep();
    if (unreached !== null) {
      throw new ReplayDivergenceError(
        `replay diverged at step "${id}": the run recorded step "${unreached}" before it, which this run has not reached`,
        { stepId: id, expected: unreached },
      );
    }
    return previous;
  }

  /** A finished step of the journal this replay has not reached yet, or null. */
  private unreachedDoneStep(): string | null {
    for (const step of this.recorded.values()) if (isDone(step) && !this.visited.has(step.stepId)) return step.stepId;
    return null;
  }

  private async letOtherBranchesReplay(): Promise<void> {
    for (let turn = 0; turn < MAX_REPLAY_TURNS; turn++) {
      const reached = this.visited.size;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.visited.size === reached || this.unreachedDoneStep() === null) return;
    }
  }
}
