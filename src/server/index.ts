export { createServer, TaskwrightServer, type ServerOptions } from './server.js';
export { parseTokenList, isLoopbackHost, type ApiToken, type Role } from './auth.js';
export type { ErrorBody } from './http-error.js';
export type { WireEvent } from '../telemetry/wire-event.js';
export { instrumentTracing } from '../telemetry/tracing.js';
export { activeTraceParent, contextFromTraceParent } from '../telemetry/trace-context.js';
export { createMetrics, type MetricsSources } from '../telemetry/metrics.js';
export { attachLogger, createLogger } from '../telemetry/logger.js';
export { EngineEventStream, type EventStreamOptions } from '../telemetry/event-stream.js';
