import { useState } from 'preact/hooks';
import { api, query } from '../api';
import { ErrorNote } from '../components/error-note';
import { Pager } from '../components/pager';
import { StateBadge } from '../components/state-badge';
import { ago, duration } from '../format';
import { useResource } from '../hooks';
import { href, navigate, type Route } from '../router';
import type { RunSummary } from '../types';
import { StartRun } from './start-run';

const STATUSES = ['pending', 'running', 'paused', 'completed', 'failed', 'cancelled'];

/** Workflow runs, filtered by workflow and status on the server. */
export function Runs({ route }: { route: Route }) {
  const workflowId = route.params.get('workflow') ?? undefined;
  const status = route.params.get('status') ?? undefined;
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors[cursors.length - 1];
  const workflows = useResource(() => api<{ workflows: { name: string; total: number }[] }>('api/workflows'), []);
  const { data, error } = useResource(
    () => api<{ executions: RunSummary[]; nextCursor: string | null }>(`api/executions${query({ workflowId, status, limit: 50, before })}`),
    [workflowId, status, before],
    (e) => e.type.startsWith('run:') || e.type === 'job:enqueued',
  );
  const set = (next: Record<string, string | undefined>) => {
    setCursors([]);
    navigate('/runs', { workflow: workflowId, status, ...next });
  };
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Workflow runs</h1>
      <form class="filters" aria-label="filter runs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Workflow
          <select value={workflowId ?? ''} onChange={(e) => set({ workflow: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            {(workflows.data?.workflows ?? []).map((w) => (
              <option key={w.name} value={w.name}>{w.name} ({w.total})</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status ?? ''} onChange={(e) => set({ status: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      <StartRun workflows={(workflows.data?.workflows ?? []).map((w) => w.name)} />
      <ErrorNote error={error ?? workflows.error} />
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">id</th>
              <th scope="col">workflow</th>
              <th scope="col">status</th>
              <th scope="col">created</th>
              <th scope="col">took</th>
            </tr>
          </thead>
          <tbody>
            {(data?.executions ?? []).map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td><a href={href(`/runs/${r.id}`)}>{r.id}</a></td>
                <td>{r.name}</td>
                <td><StateBadge state={r.runStatus} /></td>
                <td>{ago(r.createdAt)}</td>
                <td>{r.finishedAt ? duration(r.finishedAt - r.createdAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.executions.length === 0 && <p class="muted">No runs match.</p>}
      <Pager hasPrevious={cursors.length > 0} nextCursor={data?.nextCursor ?? null} onPrevious={() => setCursors(cursors.slice(0, -1))} onNext={(c) => setCursors([...cursors, c])} />
    </section>
  );
}
