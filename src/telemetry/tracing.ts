import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { EngineEventBus } from './events.js';
import { contextFromTraceParent } from './trace-context.js';

export const TRACER_NAME = 'taskwright';

/** The context of each running attempt's span, by worker and job, while tracing is instrumented. */
const attemptContexts = new Map<string, Context>();
const attemptKey = (workerId: string, jobId: string): string => `${workerId}/${jobId}`;

/**
 * Runs a handler with its attempt's span active, so spans the handler makes and jobs it enqueues
 * are children of the attempt. Without instrumentation it just calls `fn`.
 */
export function runInAttemptContext<T>(workerId: string, jobId: string, fn: () => T): T {
  const active = attemptContexts.size === 0 ? undefined : attemptContexts.get(attemptKey(workerId, jobId));
  return active ? context.with(active, fn) : fn();
}

/**
 * A span per job attempt and per workflow step, built from the engine's events. An attempt's
 * parent is the span that enqueued the job (its stored traceparent), so one trace shows the
 * request, the job and its steps. Without an OpenTelemetry SDK the API hands out no-op spans.
 * Returns a function that stops it (open spans are ended).
 */
export function instrumentTracing(bus: EngineEventBus, tracer: Tracer = trace.getTracer(TRACER_NAME)): () => void {
  const attempts = new Map<string, { span: Span; key: string }>();
  const steps = new Map<string, Span>();
  const endAttempt = (jobId: string, outcome: string, error?: string): void => {
    const attempt = attempts.get(jobId);
    if (!attempt) return;
    attempts.delete(jobId);
    attemptContexts.delete(attempt.key);
    const span = attempt.span;
    span.setAttribute('taskwright.outcome', outcome);
    if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    else if (outcome === 'completed') span.setStatus({ code: SpanStatusCode.OK });
    span.end();
  };
  const endStep = (key: string, error?: string): void => {
    const span = steps.get(key);
    if (!span) return;
    steps.delete(key);
    span.setStatus(error === undefined ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: error });
    span.end();
  };

  const offs = [
    bus.on('job:started', (e) => {
      const parent = contextFromTraceParent(e.traceParent, ROOT_CONTEXT);
      const span = tracer.startSpan(
        `job ${e.name}`,
        { kind: SpanKind.CONSUMER, attributes: { 'taskwright.job.id': e.jobId, 'taskwright.job.name': e.name, 'taskwright.queue': e.queue, 'taskwright.attempt': e.attempt, 'taskwright.worker.id': e.workerId } },
        parent,
      );
      const key = attemptKey(e.workerId, e.jobId);
      attempts.set(e.jobId, { span, key });
      attemptContexts.set(key, trace.setSpan(parent, span));
    }),
    bus.on('job:completed', (e) => endAttempt(e.jobId, 'completed')),
    bus.on('job:retrying', (e) => endAttempt(e.jobId, 'retrying', e.error.message)),
    bus.on('job:failed', (e) => endAttempt(e.jobId, e.state, e.error.message)),
    bus.on('job:snoozed', (e) => endAttempt(e.jobId, 'snoozed')),
    bus.on('job:cancelled', (e) => endAttempt(e.jobId, 'cancelled')),
    bus.on('job:released', (e) => endAttempt(e.jobId, 'released')),
    bus.on('step:started', (e) => {
      const attempt = attempts.get(e.runId);
      const parent = attempt ? trace.setSpan(ROOT_CONTEXT, attempt.span) : ROOT_CONTEXT;
      const span = tracer.startSpan(
        `step ${e.stepId}`,
        { attributes: { 'taskwright.run.id': e.runId, 'taskwright.workflow': e.workflow, 'taskwright.step.id': e.stepId, 'taskwright.attempt': e.attempt } },
        parent,
      );
      steps.set(`${e.runId}/${e.stepId}`, span);
    }),
    bus.on('step:completed', (e) => endStep(`${e.runId}/${e.stepId}`)),
    bus.on('step:failed', (e) => endStep(`${e.runId}/${e.stepId}`, e.error)),
  ];
  return () => {
    offs.forEach((off) => off());
    for (const { span, key } of attempts.values()) {
      span.end();
      attemptContexts.delete(key);
    }
    for (const span of steps.values()) span.end();
    attempts.clear();
    steps.clear();
  };
}
