import type { Job, JobError } from '../core/job.js';
import type { Store } from '../store/store.js';
import type { ClaimedJob, Outcome } from '../store/types.js';
import type { EngineEventBus } from '../telemetry/events.js';
import type { JobDefinition } from './handlers.js';

/**
 * A job that ended for good (failed, dead or cancelled). `cause` says who decided: the handler
 * itself (it threw), the worker (a timeout or a cancel request aborted it), the lifeline (its
 * worker died on the last attempt, so no handler code ran), or an operator (cancelled while waiting).
 */
export interface EndedJob {
  id: string;
  name: string;
  tags: readonly string[];
  state: 'failed' | 'dead' | 'cancelled';
  error: JobError | null;
  cause: 'handler' | 'timeout' | 'cancel' | 'rescue';
}

export interface EndHookTools {
  store: Store;
  events: EngineEventBus;
  now: () => number;
  /** the definition registered under that name in this process, if any */
  definition: (name: string) => JobDefinition | undefined;
}

/** Something that must follow a job's end wherever it happens (a child run telling its parent). */
export type EndHook = (ended: EndedJob, tools: EndHookTools) => Promise<void>;

const hooks = new Set<EndHook>();

/**
 * Registers a hook run after a job ended for good, in the process that persisted the end. Layers
 * above the runtime (workflows) install theirs when loaded; the runtime knows none of them.
 */
export function onJobEnded(hook: EndHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Runs every hook; a failing hook is reported and does not stop the others. */
export async function runEndHooks(ended: EndedJob, tools: EndHookTools, onError: (error: Error) => void): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook(ended, tools);
    } catch (error) {
      onError(error as Error);
    }
  }
}

export const isEndState = (state: string): state is EndedJob['state'] => state === 'failed' || state === 'dead' || state === 'cancelled';

export function endedFromJob(job: Job, cause: EndedJob['cause']): EndedJob | null {
  if (!isEndState(job.state)) return null;
  return { id: job.id, name: job.name, tags: job.tags, state: job.state, error: job.error, cause };
}

/**
 * How a worker's attempt ended for good, once its end outcome is persisted: the worker decided
 * when it aborted the attempt (a cancel request, also one that replaced the outcome, or a timeout).
 */
export function endedFromAttempt(job: ClaimedJob, outcome: Outcome, abortReason: unknown, cancelledInstead: boolean): EndedJob {
  const code = (abortReason as { code?: string } | undefined)?.code;
  const cause = cancelledInstead || code === 'cancelled' ? 'cancel' : code === 'timeout' ? 'timeout' : 'handler';
  const error = 'error' in outcome ? outcome.error : null;
  return { id: job.id, name: job.name, tags: job.tags, state: outcome.type as EndedJob['state'], error, cause };
}
