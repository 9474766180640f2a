import { useState } from 'preact/hooks';
import { api, post, query } from '../api';
import { ActionButton } from '../components/action-button';
import { ErrorNote } from '../components/error-note';
import { Pager } from '../components/pager';
import { ProgressBar } from '../components/progress-bar';
import { StateBadge } from '../components/state-badge';
import { ago } from '../format';
import { useResource } from '../hooks';
import { href, navigate, type Route } from '../router';
import type { Job } from '../types';
import { JobFilters, matchesText, type JobFilter } from './job-filters';

const PAGE = 50;

/** Jobs filtered by state, queue, name and tag on the server, page by page, with bulk retry and cancel of the filter. */
export function Jobs({ route }: { route: Route }) {
  const filter: JobFilter = Object.fromEntries(['state', 'queue', 'name', 'tag', 'text'].map((k) => [k, route.params.get(k) ?? undefined]));
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors[cursors.length - 1];
  const serverFilter = { state: filter.state, queue: filter.queue, name: filter.name, tag: filter.tag };
  const key = JSON.stringify(serverFilter);
  const { data, error, reload } = useResource(
    () => api<{ jobs: Job[]; nextCursor: string | null }>(`api/jobs${query({ ...serverFilter, limit: PAGE, before })}`),
    [key, before],
    (e) => e.type.startsWith('job:') && e.type !== 'job:log' && (!filter.queue || e.queue === filter.queue),
  );
  const [bulkNote, setBulkNote] = useState<string | null>(null);
  const shown = (data?.jobs ?? []).filter((j) => matchesText(j, filter.text ?? ''));
  const bulk = (action: 'retry' | 'cancel') => post<{ done: string[]; skipped: number; more: boolean }>('api/jobs/bulk', { action, filter: Object.fromEntries(Object.entries(serverFilter).filter(([, v]) => v)) });
  const describe = (action: string) => (r: unknown) => {
    const result = r as { done: string[]; skipped: number; more: boolean };
    setBulkNote(`${action}: ${result.done.length} job(s)${result.skipped ? `, ${result.skipped} skipped` : ''}${result.more ? '; more match, run it again' : ''}`);
    reload();
  };
  const filterText = Object.entries(serverFilter).filter(([, v]) => v).map(([k, v]) => `${k}=${v}`).join(', ') || 'every job';
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <JobFilters
        key={key + (filter.text ?? '')}
        value={filter}
        onChange={(next) => {
          setCursors([]);
          navigate('/jobs', next as Record<string, string | undefined>);
        }}
      />
      <div class="toolbar">
        <ActionButton label="Retry all matching" confirm={`Retry the failed, dead and cancelled jobs of ${filterText}?`} run={() => bulk('retry')} onDone={describe('retried')} />
        <ActionButton label="Cancel all matching" kind="danger" confirm={`Cancel the waiting and running jobs of ${filterText}?`} run={() => bulk('cancel')} onDone={describe('cancelled')} />
        {bulkNote && <span role="status">{bulkNote}</span>}
      </div>
      <ErrorNote error={error} />
      <div class="scroll">
        <table class="jobs">
          <thead>
            <tr>
              <th scope="col">id</th>
              <th scope="col">name</th>
              <th scope="col">queue</th>
              <th scope="col">state</th>
              <th scope="col">attempt</th>
              <th scope="col">progress</th>
              <th scope="col">created</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((j) => (
              <tr key={j.id} data-job={j.id}>
                <td><a href={href(`/jobs/${j.id}`)}>{j.id}</a></td>
                <td>{j.name}</td>
                <td>{j.queue}</td>
                <td><StateBadge state={j.state} /></td>
                <td>{j.attempt}/{j.maxAttempts}</td>
                <td><ProgressBar progress={j.progress} /></td>
                <td>{ago(j.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && shown.length === 0 && <p class="muted">No jobs match.</p>}
      <Pager hasPrevious={cursors.length > 0} nextCursor={data?.nextCursor ?? null} onPrevious={() => setCursors(cursors.slice(0, -1))} onNext={(c) => setCursors([...cursors, c])} />
    </section>
  );
}
