import { useState } from 'preact/hooks';
import { api, post, query } from '../api';
import { ActionButton } from '../components/action-button';
import { ErrorNote } from '../components/error-note';
import { Pager } from '../components/pager';
import { ago } from '../format';
import { useResource } from '../hooks';
import { href, type Route } from '../router';
import type { Job } from '../types';

/** The dead-letter queue: why each job died, redrive selected or all. */
export function DeadLetters({ route }: { route: Route }) {
  const queue = route.params.get('queue') ?? undefined;
  const [cursors, setCursors] = useState<string[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [note, setNote] = useState<string | null>(null);
  const before = cursors[cursors.length - 1];
  const { data, error, reload } = useResource(
    () => api<{ jobs: Job[]; nextCursor: string | null }>(`api/dlq${query({ queue, limit: 50, before })}`),
    [queue, before],
    (e) => e.type === 'job:failed' || e.type === 'job:enqueued' || e.type === 'job:started',
  );
  const done = (r: unknown) => {
    setNote(`redriven: ${(r as { redriven: string[] }).redriven.length} job(s)`);
    setSelected(new Set());
    reload();
  };
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const jobs = data?.jobs ?? [];
  return (
    <section aria-labelledby="dlq-title">
      <h1 id="dlq-title">Dead-letter queue{queue ? ` of ${queue}` : ''}</h1>
      <ErrorNote error={error} />
      <div class="toolbar">
        <ActionButton label="Redrive all" confirm="Move every dead job back to its queue?" run={() => post('api/dlq/redrive', { all: true })} onDone={done} disabled={jobs.length === 0} />
        <ActionButton label={`Redrive selected (${selected.size})`} run={() => post('api/dlq/redrive', { ids: [...selected] })} onDone={done} disabled={selected.size === 0} />
        {note && <span role="status">{note}</span>}
      </div>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col"><span class="sr-only">select</span></th>
              <th scope="col">id</th>
              <th scope="col">name</th>
              <th scope="col">queue</th>
              <th scope="col">error</th>
              <th scope="col">died</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-job={j.id}>
                <td><input type="checkbox" aria-label={`select job ${j.id}`} checked={selected.has(j.id)} onChange={() => toggle(j.id)} /></td>
                <td><a href={href(`/jobs/${j.id}`)}>{j.id}</a></td>
                <td>{j.name}</td>
                <td>{j.queue}</td>
                <td class="error-text">{j.error?.message ?? '—'}</td>
                <td>{ago(j.finishedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && jobs.length === 0 && <p class="muted">The dead-letter queue is empty.</p>}
      <Pager hasPrevious={cursors.length > 0} nextCursor={data?.nextCursor ?? null} onPrevious={() => setCursors(cursors.slice(0, -1))} onNext={(c) => setCursors([...cursors, c])} />
    </section>
  );
}
