import { api } from '../api';
import { ErrorNote } from '../components/error-note';
import { time } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';
import type { Schedule, ScheduleFire } from '../types';

/** A schedule's fire history, newest first. */
export function ScheduleHistory({ id }: { id: string }) {
  const { data, error } = useResource(() => api<{ schedule: Schedule; fires: ScheduleFire[] }>(`api/schedules/${encodeURIComponent(id)}?history=50`), [id], (e) => e.type === 'job:enqueued', 1000);
  return (
    <div class="panel" aria-label={`history of ${id}`}>
      <h2>History of {id}</h2>
      <ErrorNote error={error} />
      <ol class="timeline">
        {(data?.fires ?? []).map((f) => (
          <li key={f.id}>
            due {time(f.dueAt)}, fired {time(f.firedAt)}: {f.action}
            {f.jobId && <> → <a href={href(`/jobs/${f.jobId}`)}>job {f.jobId}</a></>}
          </li>
        ))}
        {data && data.fires.length === 0 && <li class="muted">It has not fired yet.</li>}
      </ol>
    </div>
  );
}
