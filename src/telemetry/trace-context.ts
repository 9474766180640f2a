import { context, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

// W3C trace context (https://www.w3.org/TR/trace-context/), written by hand: without an SDK the
// API's global propagator does nothing, yet a job must still carry its enqueuer's trace.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The active span as a traceparent header value, or null when no span is recording a trace. */
export function activeTraceParent(): string | null {
  const span = trace.getActiveSpan();
  if (!span) return null;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return null;
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** Parses a traceparent; null when absent or malformed (a bad header never fails a job). */
export function parseTraceParent(value: string | null | undefined): SpanContext | null {
  const match = value ? TRACEPARENT.exec(value) : null;
  if (!match) return null;
  const spanContext: SpanContext = { traceId: match[1] as string, spanId: match[2] as string, traceFlags: Number.parseInt(match[3] as string, 16) & TraceFlags.SAMPLED, isRemote: true };
  return trace.isSpanContextValid(spanContext) ? spanContext : null;
}

/** A context whose parent is the given traceparent (or the root context when there is none). */
export function contextFromTraceParent(value: string | null | undefined, base: Context = context.active()): Context {
  const parent = parseTraceParent(value);
  return parent ? trace.setSpanContext(base, parent) : base;
}
