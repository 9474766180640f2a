import type { Clock } from '../core/clock.js';
import { ConflictError, NotFoundError, TaskwrightError, ValidationError, describeValue } from '../core/errors.js';
import type { EnqueueOptions } from '../core/options.js';
import { compileSchedule, definitionOf, validateScheduleId, type ScheduleDefinition, type ScheduleInput } from '../core/schedule.js';
import { firstDueTime } from '../core/schedule-plan.js';
import type { ScheduleOperations, Store } from '../store/store.js';
import type { ScheduleFire, ScheduleRecord } from '../store/schedule-types.js';
import { HISTORY_KEPT } from '../store/schedule-rows.js';
import { backfillJob, backfillRange, dueTimesIn, firedDueTimes, type BackfillInput, type BackfillResult } from './schedule-backfill.js';

/** The store's schedule operations, or an error saying this store has none. */
export function scheduleStore(store: Store): ScheduleOperations {
  if (!store.capabilities.schedules) {
    throw new TaskwrightError('unsupported', `the ${store.driver} store does not support schedules and timers yet`);
  }
  return store as Store & ScheduleOperations;
}

const TIMING_KEYS = ['cron', 'every', 'at'] as const;
const TARGET_KEYS = ['job', 'workflow'] as const;

/** An update replaces the timing (or target) as a whole when it names a new one. */
function mergeInput(current: ScheduleInput, patch: ScheduleInput): ScheduleInput {
  const merged: ScheduleInput = { ...current };
  if (TIMING_KEYS.some((k) => patch[k] !== undefined)) for (const k of [...TIMING_KEYS, 'timezone'] as const) delete merged[k];
  if (TARGET_KEYS.some((k) => patch[k] !== undefined)) for (const k of TARGET_KEYS) delete merged[k];
  return { ...merged, ...patch };
}

/** A due time depends only on these; other changes (payload, policies) keep the next due time. */
const timingOf = (d: ScheduleDefinition) => JSON.stringify([d.timing.kind === 'every' ? { ...d.timing, anchorAt: 0 } : d.timing, d.startAt, d.endAt]);

/** Makes the input JSON-safe (dates as ISO text) so it can be stored and merged later. */
function storable(input: ScheduleInput): ScheduleInput {
  return JSON.parse(JSON.stringify(input)) as ScheduleInput;
}

/** Create, change, pause, trigger and read schedules. The firing itself is the ScheduleRunner's. */
export class ScheduleService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly defaultsFor: (name: string) => EnqueueOptions | undefined,
  ) {}

  private get ops(): ScheduleOperations {
    return scheduleStore(this.store);
  }

  private compile(id: string, input: ScheduleInput, now: number): ScheduleDefinition {
    if (typeof input !== 'object' || input === null) throw new ValidationError(`expected schedule to be an object, got ${describeValue(input)}`);
    const name = input.job ?? input.workflow;
    const defaults = typeof name === 'string' ? this.defaultsFor(name) : undefined;
    return compileSchedule(id, defaults ? { ...input, options: { ...defaults, ...input.options } } : input, now);
  }

  async load(id: string): Promise<ScheduleRecord> {
    validateScheduleId(id);
    const record = await this.ops.getSchedule(id);
    if (!record) throw new NotFoundError(`no schedule with id ${JSON.stringify(id)}`, { scheduleId: id });
    return record;
  }

  /** A new schedule; with `replace`, an existing one of this id gets the new definition instead of an error. */
  async create(id: string, input: ScheduleInput, options: { replace?: boolean; paused?: boolean } = {}): Promise<ScheduleRecord> {
    const now = this.clock.now();
    const definition = this.compile(id, input, now);
    const existing = await this.ops.getSchedule(id);
    if (existing && !options.replace) throw new ConflictError(`schedule ${JSON.stringify(id)} already exists; update it or delete it first`, { scheduleId: id });
    return this.ops.saveSchedule(
      { definition, input: storable(input), paused: options.paused ?? false, nextFireAt: firstDueTime(definition, now), resetRuns: true },
      now,
    );
  }

  /** Change some fields; the next due time is recomputed only when the timing changed. Run counts are kept. */
  async update(id: string, patch: ScheduleInput): Promise<ScheduleRecord> {
    const current = await this.load(id);
    if (typeof patch !== 'object' || patch === null) throw new ValidationError(`expected schedule changes to be an object, got ${describeValue(patch)}`);
    const now = this.clock.now();
    const input = storable(mergeInput(current.input, patch));
    const definition = this.compile(id, input, now);
    const sameTiming = timingOf(definition) === timingOf(current);
    if (sameTiming && definition.timing.kind === 'every' && current.timing.kind === 'every') definition.timing.anchorAt = current.timing.anchorAt;
    const nextFireAt = sameTiming ? current.nextFireAt : firstDueTime(definition, now);
    return this.ops.saveSchedule({ definition, input, paused: current.paused, nextFireAt, keepNextFireAt: sameTiming, resetRuns: false }, now);
  }

  async pause(id: string): Promise<ScheduleRecord> {
    const current = await this.load(id);
    return this.ops.saveSchedule({ definition: definitionOf(current), input: current.input, paused: true, nextFireAt: current.nextFireAt, keepNextFireAt: true, resetRuns: false }, this.clock.now());
  }

  /** Due times that passed while paused are not caught up: the schedule waits for its next one. */
  async resume(id: string): Promise<ScheduleRecord> {
    const current = await this.load(id);
    if (!current.paused) return current;
    const now = this.clock.now();
    const finished = current.nextFireAt === null;
    const nextFireAt = finished ? null : current.timing.kind === 'at' ? current.nextFireAt : firstDueTime(current, now);
    return this.ops.saveSchedule({ definition: definitionOf(current), input: current.input, paused: false, nextFireAt, resetRuns: false }, now);
  }

  async trigger(id: string): Promise<ScheduleFire> {
    validateScheduleId(id);
    return this.ops.triggerSchedule(id, this.clock.now());
  }

  /**
   * Fire every due time of a past range that has no job yet, oldest first, in one enqueue: a due
   * time that fired (on time, by catch-up or by an earlier backfill) is left as it is.
   */
  async backfill(id: string, input: BackfillInput): Promise<BackfillResult> {
    const schedule = await this.load(id);
    const now = this.clock.now();
    const { from, to, dryRun } = backfillRange(input, now);
    const dueTimes = dueTimesIn(schedule, from, to);
    const history = firedDueTimes(await this.ops.listScheduleFires(id, HISTORY_KEPT));
    const existing: BackfillResult['existing'] = [];
    const missing: number[] = [];
    for (const dueAt of dueTimes) {
      if (history.has(dueAt)) existing.push({ dueAt, jobId: history.get(dueAt) ?? null });
      else missing.push(dueAt);
    }
    const enqueued: BackfillResult['enqueued'] = [];
    if (!dryRun && missing.length > 0) {
      // the key of each due time is the on-time fire's: a job already holding it is returned instead
      const results = await this.store.enqueue(missing.map((dueAt) => backfillJob(schedule, dueAt, now)), now);
      results.forEach((result, i) => (result.deduplicated ? existing : enqueued).push({ dueAt: missing[i] as number, jobId: result.id }));
      existing.sort((a, b) => a.dueAt - b.dueAt);
    }
    return { scheduleId: id, from, to, dryRun, dueTimes, enqueued, existing };
  }

  async delete(id: string): Promise<void> {
    validateScheduleId(id);
    if (!(await this.ops.deleteSchedule(id))) throw new NotFoundError(`no schedule with id ${JSON.stringify(id)}`, { scheduleId: id });
  }

  async get(id: string, historyLimit = 50): Promise<{ schedule: ScheduleRecord; fires: ScheduleFire[] }> {
    const schedule = await this.load(id);
    return { schedule, fires: await this.ops.listScheduleFires(id, historyLimit) };
  }

  async list(): Promise<ScheduleRecord[]> {
    return this.ops.listSchedules();
  }
}
