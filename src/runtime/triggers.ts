import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { ConflictError, NotFoundError, TaskwrightError, ValidationError, describeValue } from '../core/errors.js';
import { mapPayload, matchesEvent, type EventEnvelope } from '../core/event-match.js';
import type { NewJob } from '../core/job.js';
import type { EnqueueOptions } from '../core/options.js';
import { compileTrigger, validateEventName, validateTriggerId, type TriggerDefinition, type TriggerInput } from '../core/trigger.js';
import type { Store } from '../store/store.js';
import type { TriggerFire, TriggerOperations, TriggerRecord } from '../store/trigger-types.js';
import type { EngineEventBus } from '../telemetry/events.js';
import { activeTraceParent } from '../telemetry/trace-context.js';

/** A trigger as the API shows it: the webhook secret never leaves the store. */
export type TriggerView = Omit<TriggerRecord, 'webhook' | 'input'> & {
  input: Omit<TriggerInput, 'webhook'> & { webhook?: { maxBodyBytes?: number; tolerance?: unknown } };
  webhook: { maxBodyBytes: number; toleranceMs: number } | null;
};

export interface SendEventOptions {
  /**
   * The event's own id (an order system's event id, a webhook delivery): a second send with the
   * same id, from any process, changes nothing and answers with the first send's outcome.
   * Default: a new random id, so every send is a new event.
   */
  id?: string;
}

export interface SendEventResult {
  /** the stored event's id */
  eventId: string;
  /** the id the event was published under (`options.id`, or the generated one); null without triggers */
  key: string | null;
  /** true when an event with this id was sent before: nothing was stored, woken or started now */
  deduplicated: boolean;
  /** runs waiting for the event that were woken */
  woken: number;
  /** the job or run each matching trigger started for this event */
  started: { triggerId: string; jobId: string }[];
}

const EVENT_ID = /^[\x21-\x7e]{1,500}$/;

/** The store's trigger operations, or an error saying this store has none. */
export function triggerStore(store: Store): TriggerOperations {
  if (!store.capabilities.triggers) {
    throw new TaskwrightError('unsupported', `the ${store.driver} store does not support event triggers (capability "triggers")`, { driver: store.driver });
  }
  return store as Store & TriggerOperations;
}

export function triggerView(record: TriggerRecord): TriggerView {
  const { webhook, input, ...rest } = record;
  const { webhook: hookInput, ...inputRest } = input;
  return {
    ...rest,
    input: hookInput ? { ...inputRest, webhook: { maxBodyBytes: hookInput.maxBodyBytes, tolerance: hookInput.tolerance } } : inputRest,
    webhook: webhook ? { maxBodyBytes: webhook.maxBodyBytes, toleranceMs: webhook.toleranceMs } : null,
  };
}

/** JSON of the event data, or a ValidationError naming it. */
export function eventDataJson(data: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch {
    json = undefined;
  }
  if (json === undefined) throw new ValidationError(`expected event data to be JSON-serializable, got ${describeValue(data)}`, { field: 'data' });
  return json;
}

/** The job a trigger starts for one event. */
function jobFor(trigger: TriggerDefinition, event: EventEnvelope, now: number): NewJob {
  const payload = trigger.payloadTemplate === null ? event.data : mapPayload(trigger.payloadTemplate.value, event);
  return { ...trigger.job, payloadJson: JSON.stringify(payload) ?? 'null', runAt: now + trigger.delayMs, idempotencyKey: null };
}

/** Create, pause, delete and read triggers, and publish events that fire them. */
export class TriggerService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly events: EngineEventBus,
    private readonly defaultsFor: (name: string) => EnqueueOptions | undefined,
  ) {}

  private get ops(): TriggerOperations {
    return triggerStore(this.store);
  }

  /** The stored record, webhook secret included (for the webhook route only). */
  async load(id: string): Promise<TriggerRecord> {
    validateTriggerId(id);
    const record = await this.ops.getTrigger(id);
    if (!record) throw new NotFoundError(`no trigger with id ${JSON.stringify(id)}`, { triggerId: id });
    return record;
  }

  async create(id: string, input: TriggerInput, options: { replace?: boolean; paused?: boolean } = {}): Promise<TriggerView> {
    const now = this.clock.now();
    if (typeof input !== 'object' || input === null) throw new ValidationError(`expected trigger to be an object, got ${describeValue(input)}`);
    const name = input.job ?? input.workflow;
    const defaults = typeof name === 'string' ? this.defaultsFor(name) : undefined;
    const definition = compileTrigger(id, defaults ? { ...input, options: { ...defaults, ...input.options } } : input, now);
    const existing = await this.ops.getTrigger(id);
    if (existing && !options.replace) throw new ConflictError(`trigger ${JSON.stringify(id)} already exists; pass replace or delete it first`, { triggerId: id });
    const stored = JSON.parse(JSON.stringify(input)) as TriggerInput;
    return triggerView(await this.ops.saveTrigger({ definition, input: stored, paused: options.paused ?? false }, now));
  }

  async setPaused(id: string, paused: boolean): Promise<TriggerView> {
    const current = await this.load(id);
    if (current.paused === paused) return triggerView(current);
    const { input, createdAt: _c, updatedAt: _u, paused: _p, ...definition } = current;
    return triggerView(await this.ops.saveTrigger({ definition, input, paused }, this.clock.now()));
  }

  async delete(id: string): Promise<void> {
    validateTriggerId(id);
    if (!(await this.ops.deleteTrigger(id))) throw new NotFoundError(`no trigger with id ${JSON.stringify(id)}`, { triggerId: id });
  }

  async get(id: string, historyLimit = 50): Promise<{ trigger: TriggerView; fires: TriggerFire[] }> {
    const record = await this.load(id);
    return { trigger: triggerView(record), fires: await this.ops.listTriggerFires(id, historyLimit) };
  }

  async list(): Promise<TriggerView[]> {
    return (await this.ops.listTriggers()).map(triggerView);
  }

  /**
   * Publish an event: every unpaused trigger of its name whose match holds starts its job, all in
   * one store transaction with the event itself, once per event id.
   */
  async publish(name: string, data: unknown, options: SendEventOptions = {}): Promise<SendEventResult> {
    validateEventName(name);
    const dataJson = eventDataJson(data);
    if (typeof options !== 'object' || options === null) throw new ValidationError(`expected send options to be { id? }, got ${describeValue(options)}`);
    if (options.id !== undefined && (typeof options.id !== 'string' || !EVENT_ID.test(options.id))) {
      throw new ValidationError(`expected event id to be 1 to 500 printable characters without spaces, got ${describeValue(options.id)}`, { field: 'id' });
    }
    const ops = this.ops;
    const key = options.id ?? `evt_${randomUUID()}`;
    const now = this.clock.now();
    const envelope: EventEnvelope = { id: key, name, data: JSON.parse(dataJson) as unknown, at: now };
    const traceParent = activeTraceParent();
    const planned = (await ops.listTriggers({ event: name }))
      .filter((t) => matchesEvent(t.match, envelope.data))
      .map((t) => ({ triggerId: t.id, job: { ...jobFor(t, envelope, now), ...(traceParent && { traceParent }) } }));
    const result = await ops.publishEvent(key, name, dataJson, planned, now);
    if (!result.deduplicated && this.events.has('job:enqueued')) {
      const jobs = new Map(planned.map((p) => [p.triggerId, p.job]));
      for (const fire of result.fires) {
        const job = jobs.get(fire.triggerId) as NewJob;
        this.events.emit('job:enqueued', { jobId: fire.jobId, name: job.name, queue: job.queue, state: job.runAt > now ? 'scheduled' : 'queued', deduplicated: false });
      }
    }
    return { eventId: result.event.id, key, deduplicated: result.deduplicated, woken: result.woken, started: result.fires.map((f) => ({ triggerId: f.triggerId, jobId: f.jobId })) };
  }
}
