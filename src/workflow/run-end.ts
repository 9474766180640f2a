import { ConflictError } from '../core/errors.js';
import { compileJobOptions } from '../core/options.js';
import { endedFromJob, onJobEnded, runEndHooks, type EndedJob, type EndHookTools } from '../runtime/end-hooks.js';
import { childFinishedEvent, PARENT_TAG } from './steps.js';

const ACTIVE = new Set(['scheduled', 'queued', 'running']);

/**
 * Cancels the runs `runId` started that are still active. A waiting child ends at once (and its
 * own children follow through the hooks); a running one is asked to stop and its worker ends it.
 */
export async function cancelChildRuns(runId: string, tools: EndHookTools): Promise<string[]> {
  const cancelled: string[] = [];
  for (const child of await tools.store.listJobs({ tag: `${PARENT_TAG}${runId}`, limit: 10_000 })) {
    if (!ACTIVE.has(child.state)) continue;
    try {
      const { job, requested } = await tools.store.cancel(child.id, tools.now());
      cancelled.push(child.id);
      const ended = requested ? null : endedFromJob(job, 'cancel');
      if (ended) await runEndHooks(ended, tools, () => undefined);
    } catch (error) {
      // it finished in the meantime
      if (!(error instanceof ConflictError) && (error as { code?: string })?.code !== 'conflict') throw error;
    }
  }
  return cancelled;
}

/**
 * What must follow a run's end when its handler could not say it: a parent waiting on it hears
 * how it ended, its error workflow starts, and the runs it started are cancelled with it (also
 * when its timebox passed). Runs in whichever process persisted the end.
 */
async function onRunEnded(ended: EndedJob, tools: EndHookTools): Promise<void> {
  const workflow = tools.definition(ended.name)?.workflow;
  const status = ended.state === 'cancelled' ? 'cancelled' : 'failed';
  const message = ended.error?.message ?? status;
  if (ended.cause !== 'handler') {
    const parent = ended.tags.some((t) => t.startsWith(PARENT_TAG));
    if (parent) await tools.store.sendEvent(childFinishedEvent(ended.id), JSON.stringify({ status, error: message }), tools.now());
    if (workflow && status === 'failed') {
      if (workflow.onError) {
        const job = await tools.store.getJob(ended.id);
        const payload = { runId: ended.id, workflow: ended.name, input: job?.payload ?? null, error: message };
        await tools.store.enqueue([compileJobOptions(workflow.onError, payload, { idempotencyKey: `on-error:${ended.id}` }, tools.now())], tools.now());
      }
      tools.events.emit('run:failed', { runId: ended.id, workflow: ended.name, error: message });
    }
  }
  // Only a run that recorded steps can have started children (the look-up by tag is a scan).
  if ((ended.state === 'cancelled' || ended.error?.code === 'run_timeout') && (await tools.store.listSteps(ended.id)).length > 0) {
    await cancelChildRuns(ended.id, tools);
  }
  if (workflow && ended.state === 'cancelled') tools.events.emit('run:cancelled', { runId: ended.id, workflow: ended.name, reason: message });
}

let installed = false;

export function installRunEndHook(): void {
  if (installed) return;
  installed = true;
  onJobEnded(onRunEnded);
}
