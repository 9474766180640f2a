import type { Clock } from '../core/clock.js';
import { TaskwrightError, ValidationError, describeValue } from '../core/errors.js';
import { compileBreakerConfig, compileLimit, validateFlowKey, type Breaker, type BreakerInput, type FlowLimit, type LimitInput } from '../core/flow.js';
import type { NewJob } from '../core/job.js';
import type { Store } from '../store/store.js';
import type { FlowChange, LeaderRecord, QueueStats, WorkerRecord } from '../store/types.js';

/** A queue as `listQueues` shows it: its counts and whether it is paused. */
export interface QueueInfo extends QueueStats {
  paused: boolean;
}

const QUEUE = /^[\w.:-]{1,200}$/;

function requireFlow(store: Store, what: string): Required<Pick<Store, 'controlFlow' | 'readFlow'>> {
  if (!store.capabilities.flowControl || !store.controlFlow || !store.readFlow) {
    throw new TaskwrightError('unsupported', `the ${store.driver} store does not support flow control (${what})`);
  }
  return { controlFlow: store.controlFlow.bind(store), readFlow: store.readFlow.bind(store) };
}

/** Refuses jobs that need flow control on a store that would silently ignore it. */
export function checkFlowSupport(store: Store, jobs: readonly NewJob[]): void {
  if (store.capabilities.flowControl) return;
  const keyed = jobs.find((j) => j.groupKey ?? j.concurrencyKey ?? j.rateKey ?? j.breakerKey ?? (j.requiredTags.length ? 'tags' : null));
  if (keyed) requireFlow(store, `job ${keyed.name} has a group, limit or breaker key, or requires worker tags`);
}

/** Operator actions on flow control and the worker registry, behind the engine's facade. */
export function createFlowAdmin(store: Store, clock: Clock) {
  const change = async (what: string, flowChange: FlowChange): Promise<void> => {
    await requireFlow(store, what).controlFlow(flowChange, clock.now());
  };
  const queueName = (queue: unknown): string => {
    if (typeof queue !== 'string' || !QUEUE.test(queue)) {
      throw new ValidationError(`expected a queue name of letters, digits, _ . : or - (1 to 200 characters), got ${describeValue(queue)}`);
    }
    return queue;
  };

  return {
    async setLimit(key: string, input: LimitInput): Promise<FlowLimit> {
      const limit = compileLimit(key, input);
      await change('setLimit', { type: 'setLimit', limit });
      return limit;
    },
    deleteLimit: async (key: string) => change('deleteLimit', { type: 'deleteLimit', key: validateFlowKey('limit key', key) }),
    listLimits: async (): Promise<FlowLimit[]> => (await requireFlow(store, 'listLimits').readFlow()).limits,
    pauseQueue: async (queue: string) => change('pauseQueue', { type: 'pauseQueue', queue: queueName(queue) }),
    resumeQueue: async (queue: string) => change('resumeQueue', { type: 'resumeQueue', queue: queueName(queue) }),
    async listQueues(): Promise<QueueInfo[]> {
      const [stats, flow] = await Promise.all([store.stats(clock.now()), requireFlow(store, 'listQueues').readFlow()]);
      const paused = new Set(flow.queues.filter((q) => q.paused).map((q) => q.queue));
      const infos = stats.map((s) => ({ ...s, paused: paused.has(s.queue) }));
      // a queue that was paused or resumed is listed even with no jobs
      for (const { queue, paused: isPaused } of flow.queues) {
        if (!infos.some((i) => i.queue === queue)) {
          infos.push({ queue, paused: isPaused, oldestQueuedAgeMs: null, counts: { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, dead: 0, cancelled: 0 } });
        }
      }
      return infos.sort((a, b) => a.queue.localeCompare(b.queue));
    },
    configureBreaker: async (key: string, input: BreakerInput) =>
      change('configureBreaker', { type: 'configureBreaker', key: validateFlowKey('breaker key', key), config: compileBreakerConfig(input) }),
    resetBreaker: async (key: string) => change('resetBreaker', { type: 'resetBreaker', key: validateFlowKey('breaker key', key) }),
    listBreakers: async (): Promise<Breaker[]> => (await requireFlow(store, 'listBreakers').readFlow()).breakers,
    async listWorkers(): Promise<WorkerRecord[]> {
      if (!store.capabilities.workerRegistry || !store.listWorkers) {
        throw new TaskwrightError('unsupported', `the ${store.driver} store does not keep a worker registry`);
      }
      return store.listWorkers();
    },
    /** empty on a store without leader election: there every engine runs the elected duties */
    listLeaders: async (): Promise<LeaderRecord[]> => (store.capabilities.leaderElection && store.listLeaders ? store.listLeaders() : []),
  };
}
