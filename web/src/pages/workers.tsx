import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote } from '../components/error-note';
import { StateBadge } from '../components/state-badge';
import { ago, time } from '../format';
import { useResource, useTick } from '../hooks';
import { onLive, type LiveEvent } from '../live';

interface Leader {
  role: string;
  holder: string;
  expiresAt: number;
  live: boolean;
}
interface WorkerData {
  workers: import('../types').WorkerInfo[];
  leaders: Leader[];
}

async function load(): Promise<WorkerData> {
  const [workers, leaders] = await Promise.all([api<WorkerData>('api/workers'), api<{ leaders: Leader[] }>('api/leaders').catch(() => ({ leaders: [] }))]);
  return { workers: workers.workers, leaders: leaders.leaders };
}

/** Autoscaling and lifecycle events seen since this tab opened, newest first. */
function useWorkerEvents(): LiveEvent[] {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  useEffect(() => onLive((e) => {
    if (e.type.startsWith('worker:')) setEvents((list) => [e, ...list].slice(0, 50));
  }), []);
  return events;
}

/** Workers of every process: host, tags, concurrency, utilization, heartbeat; leaders; autoscaling events. */
export function Workers() {
  const { data, error } = useResource(load, [], (e) => e.type.startsWith('worker:') || e.type === 'job:started' || e.type === 'job:completed', 1000);
  const events = useWorkerEvents();
  const now = useTick(2000);
  return (
    <section aria-labelledby="workers-title">
      <h1 id="workers-title">Workers</h1>
      <ErrorNote error={error} />
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">id</th>
              <th scope="col">host · pid</th>
              <th scope="col">queues</th>
              <th scope="col">tags</th>
              <th scope="col">state</th>
              <th scope="col">running / concurrency</th>
              <th scope="col">utilization</th>
              <th scope="col">heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {(data?.workers ?? []).map((w) => (
              <tr key={w.id} data-worker={w.id}>
                <th scope="row">{w.id}</th>
                <td>{w.host} · {w.pid}</td>
                <td>{w.queues.join(', ') || 'all'}</td>
                <td>{w.tags.join(', ') || '—'}</td>
                <td><StateBadge state={w.state} /></td>
                <td>{w.running} / {w.concurrency}</td>
                <td><meter min={0} max={w.concurrency || 1} value={w.running} aria-label={`utilization of ${w.id}`} /> {w.concurrency ? Math.round((w.running / w.concurrency) * 100) : 0}%</td>
                <td>{ago(w.heartbeatAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.workers.length === 0 && <p class="muted">No workers registered.</p>}
      <h2>Leaders</h2>
      <ul>
        {(data?.leaders ?? []).map((l) => (
          <li key={l.role}>{l.role}: {l.holder} {l.live ? `(until ${time(l.expiresAt)})` : '(expired)'}</li>
        ))}
        {data && data.leaders.length === 0 && <li class="muted">No elected roles on this store.</li>}
      </ul>
      <h2>Scaling and lifecycle events</h2>
      <ol class="timeline" aria-live="polite">
        {events.map((e, i) => (
          <li key={i}>
            {new Date(e.timestamp).toLocaleTimeString()} {e.type} {String(e.workerId ?? '')}
            {e.type === 'worker:scaled' && ` ${String(e.from)} → ${String(e.to)} (${String(e.reason)})`}
          </li>
        ))}
        {events.length === 0 && <li class="muted">None since this page opened.</li>}
      </ol>
    </section>
  );
}
