import { api } from '../api';
import { ErrorNote } from '../components/error-note';
import { LineChart } from '../components/line-chart';
import { count } from '../format';
import { useResource } from '../hooks';
import { useLiveSeries } from '../live-metrics';
import { href } from '../router';
import type { Breaker, QueueInfo, WorkerInfo } from '../types';
import { problemsOf } from './problems';

const STATES = ['scheduled', 'queued', 'running', 'completed', 'failed', 'dead', 'cancelled'] as const;

interface Data {
  queues: QueueInfo[];
  breakers: Breaker[];
  workers: WorkerInfo[];
}

async function load(): Promise<Data> {
  const [queues, breakers, workers] = await Promise.all([
    api<{ queues: QueueInfo[] }>('api/queues'),
    api<{ breakers: Breaker[] }>('api/breakers').catch(() => ({ breakers: [] })), // stores without flow control
    api<{ workers: WorkerInfo[] }>('api/workers').catch(() => ({ workers: [] })),
  ]);
  return { queues: queues.queues, breakers: breakers.breakers, workers: workers.workers };
}

/** Counts per queue and state, live charts, what needs attention, workers online. */
export function Overview() {
  const { data, error } = useResource(load, [], (e) => e.type.startsWith('job:') || e.type.startsWith('worker:'), 1000);
  const series = useLiveSeries();
  const totals = Object.fromEntries(STATES.map((s) => [s, (data?.queues ?? []).reduce((sum, q) => sum + (q.counts[s] ?? 0), 0)]));
  const online = (data?.workers ?? []).filter((w) => w.state === 'running');
  const problems = data ? problemsOf(data.queues, data.breakers) : [];
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <ErrorNote error={error} />
      <div class="cards">
        {STATES.map((s) => (
          <a class={`card s-${s}`} href={href('/jobs', { state: s })} key={s}>
            <span class="card-label">{s}</span>
            <span class="card-value" data-testid={`total-${s}`}>{count(totals[s] ?? 0)}</span>
          </a>
        ))}
        <a class="card" href={href('/workers')}>
          <span class="card-label">workers online</span>
          <span class="card-value" data-testid="workers-online">{online.length}</span>
        </a>
      </div>
      <div class="charts">
        <LineChart values={series.throughput} label="Completed per second" unit="jobs/s" />
        <LineChart values={series.failures} label="Failures per second" unit="/s" />
        <LineChart values={series.latency} label="Median run time" unit="ms" />
      </div>
      <h2>Needs attention</h2>
      {problems.length === 0 ? (
        <p class="muted">Nothing: no dead jobs, open breakers, paused or backed-up queues.</p>
      ) : (
        <ul class="problems">
          {problems.map((p) => (
            <li key={p.key}>
              <a href={p.link}>{p.text}</a>
            </li>
          ))}
        </ul>
      )}
      <h2>Queues</h2>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">queue</th>
              {STATES.map((s) => (
                <th scope="col" key={s}>{s}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(data?.queues ?? []).map((q) => (
              <tr key={q.queue} data-queue={q.queue}>
                <th scope="row">
                  <a href={href('/jobs', { queue: q.queue })}>{q.queue}</a>
                  {q.paused && <span class="badge s-paused">paused</span>}
                </th>
                {STATES.map((s) => (
                  <td key={s} data-state={s}>{count(q.counts[s] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
