import { pino, type Logger } from 'pino';
import type { EngineEventBus } from './events.js';

/** A JSON logger to stdout (pino); `level` from the caller or `TASKWRIGHT_LOG_LEVEL`, default info. */
export function createLogger(level = process.env.TASKWRIGHT_LOG_LEVEL ?? 'info', destination?: NodeJS.WritableStream): Logger {
  return destination ? pino({ level, base: { service: 'taskwright' } }, destination) : pino({ level, base: { service: 'taskwright' } });
}

/**
 * Structured log lines for the engine's events, each carrying its job, run and step ids. Returns a
 * function that stops logging.
 */
export function attachLogger(bus: EngineEventBus, logger: Logger): () => void {
  const job = (e: { jobId: string; name: string; queue: string; attempt: number }) => ({ jobId: e.jobId, job: e.name, queue: e.queue, attempt: e.attempt });
  const offs = [
    bus.on('job:started', (e) => logger.debug({ ...job(e), workerId: e.workerId }, 'job started')),
    bus.on('job:completed', (e) => logger.info({ ...job(e), durationMs: e.durationMs }, 'job completed')),
    bus.on('job:retrying', (e) => logger.warn({ ...job(e), error: e.error.message, runAt: new Date(e.runAt).toISOString() }, 'job attempt failed, will retry')),
    bus.on('job:failed', (e) => logger.error({ ...job(e), error: e.error.message, state: e.state }, 'job failed')),
    bus.on('job:cancelled', (e) => logger.info(job(e), 'job cancelled')),
    bus.on('job:rescued', (e) => logger.warn({ ...job(e), to: e.to }, 'job lease expired, rescued')),
    bus.on('job:log', (e) => logger[e.level]({ jobId: e.jobId, attempt: e.attempt, ...e.fields }, e.message)),
    bus.on('run:started', (e) => logger.info({ runId: e.runId, workflow: e.workflow, attempt: e.attempt }, 'run started')),
    bus.on('run:completed', (e) => logger.info({ runId: e.runId, workflow: e.workflow }, 'run completed')),
    bus.on('run:failed', (e) => logger.error({ runId: e.runId, workflow: e.workflow, error: e.error }, 'run failed')),
    bus.on('step:completed', (e) => logger.debug({ runId: e.runId, workflow: e.workflow, stepId: e.stepId, durationMs: e.durationMs }, 'step completed')),
    bus.on('step:failed', (e) => logger.warn({ runId: e.runId, workflow: e.workflow, stepId: e.stepId, error: e.error, attempt: e.attempt }, 'step failed')),
    bus.on('worker:error', (e) => logger.error({ workerId: e.workerId, during: e.during, error: e.error.message }, 'worker error')),
  ];
  return () => offs.forEach((off) => off());
}
