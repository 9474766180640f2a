import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATES } from '../core/job.js';
import type { NameStats, QueueStats } from '../store/types.js';
import type { WireEvent } from './wire-event.js';

export interface MetricsSources {
  /** the engine's event stream (this process and, through the feed, the others) */
  subscribe: (listener: (event: WireEvent) => void) => () => void;
  /** read at scrape time for the gauges */
  queueStats: () => Promise<QueueStats[]>;
  nameStats: () => Promise<NameStats[]>;
  /**
   * Workers running now, from the store's worker registry (every process and host), when the
   * store keeps one; without it the gauge counts the worker start/stop events this server saw.
   */
  runningWorkers?: () => Promise<number>;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

/**
 * Prometheus metrics fed by the engine's events: counters by queue and name, duration histograms,
 * and gauges (queue depth per state, running jobs, run cost) read from the store when scraped.
 */
export function createMetrics(sources: MetricsSources, registry = new Registry()): { registry: Registry; stop: () => void } {
  const jobLabels = ['queue', 'name'] as const;
  const counter = (name: string, help: string) => new Counter({ name: `taskwright_jobs_${name}_total`, help, labelNames: jobLabels, registers: [registry] });
  const enqueued = counter('enqueued', 'Jobs enqueued (deduplicated enqueues not counted)');
  const started = counter('started', 'Job attempts started');
  const completed = counter('completed', 'Jobs completed');
  const failed = counter('failed', 'Jobs that ended failed (attempts ran out, no dead-letter queue)');
  const retried = counter('retried', 'Failed attempts that will run again');
  const dead = counter('dead', 'Jobs moved to the dead-letter queue');
  const cancelled = counter('cancelled', 'Jobs cancelled (waiting ones by request, running ones when their attempt stopped)');
  const jobDuration = new Histogram({ name: 'taskwright_job_duration_seconds', help: 'Duration of completed job attempts', labelNames: jobLabels, buckets: DURATION_BUCKETS, registers: [registry] });
  const stepDuration = new Histogram({ name: 'taskwright_step_duration_seconds', help: 'Duration of completed workflow steps', labelNames: ['workflow'], buckets: DURATION_BUCKETS, registers: [registry] });
  const workers = new Set<string>();
  const runningWorkers = sources.runningWorkers;
  new Gauge({
    name: 'taskwright_workers', help: 'Worker pools running (from the worker registry when the store keeps one)', registers: [registry],
    async collect() {
      this.set(runningWorkers ? await runningWorkers() : workers.size);
    },
  });
  new Gauge({
    name: 'taskwright_queue_depth', help: 'Jobs per queue and state', labelNames: ['queue', 'state'], registers: [registry],
    async collect() {
      this.reset();
      for (const q of await sources.queueStats()) for (const state of JOB_STATES) this.set({ queue: q.queue, state }, q.counts[state]);
    },
  });
  new Gauge({
    name: 'taskwright_running_jobs', help: 'Jobs running now', registers: [registry],
    async collect() {
      this.set((await sources.queueStats()).reduce((sum, q) => sum + q.counts.running, 0));
    },
  });
  const costGauge = (name: string, help: string, pick: (s: NameStats) => number) =>
    new Gauge({
      name, help, labelNames: ['workflow'], registers: [registry],
      async collect() {
        this.reset();
        for (const s of await sources.nameStats()) if (pick(s) > 0) this.set({ workflow: s.name }, pick(s));
      },
    });
  costGauge('taskwright_run_cost_usd', 'Cost reported by the steps of stored runs, per workflow', (s) => s.costUsd);
  costGauge('taskwright_run_tokens', 'Tokens reported by the steps of stored runs, per workflow', (s) => s.tokens);

  const labels = (e: WireEvent) => ({ queue: String(e.queue ?? ''), name: String(e.name ?? '') });
  const stop = sources.subscribe((e) => {
    switch (e.type) {
      case 'job:enqueued': if (!e.deduplicated) enqueued.inc(labels(e)); break;
      case 'job:started': started.inc(labels(e)); break;
      case 'job:completed':
        completed.inc(labels(e));
        jobDuration.observe(labels(e), Number(e.durationMs) / 1000);
        break;
      case 'job:retrying': retried.inc(labels(e)); break;
      case 'job:failed': (e.state === 'dead' ? dead : failed).inc(labels(e)); break;
      case 'job:cancelled': cancelled.inc(labels(e)); break;
      case 'step:completed': stepDuration.observe({ workflow: String(e.workflow) }, Number(e.durationMs) / 1000); break;
      case 'worker:started': workers.add(String(e.workerId)); break;
      case 'worker:stopped': workers.delete(String(e.workerId)); break;
    }
  });
  return { registry, stop };
}
