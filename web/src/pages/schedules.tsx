import { useState } from 'preact/hooks';
import { api, post } from '../api';
import { ActionButton } from '../components/action-button';
import { ErrorNote } from '../components/error-note';
import { ago, time } from '../format';
import { useResource } from '../hooks';
import { href } from '../router';
import type { Schedule, Timer } from '../types';
import { ScheduleForm } from './schedule-form';
import { ScheduleHistory } from './schedule-history';

const cadenceOf = (input: Record<string, unknown>): string =>
  typeof input.cron === 'string' ? `cron ${input.cron}${input.timezone ? ` (${String(input.timezone)})` : ''}` : input.every !== undefined ? `every ${String(input.every)}` : input.at !== undefined ? `once at ${String(input.at)}` : '—';

/** Schedules (next and last fire, history; create, edit, pause, resume, trigger, delete) and pending timers. */
export function Schedules() {
  const { data, error, reload } = useResource(() => api<{ schedules: Schedule[] }>('api/schedules'), [], (e) => e.type === 'job:enqueued', 1500);
  const timers = useResource(() => api<{ timers: Timer[]; stats: Record<string, unknown> }>('api/timers?limit=50'), [], (e) => e.type === 'job:enqueued' || e.type === 'job:retrying' || e.type === 'job:snoozed', 1500);
  const [editing, setEditing] = useState<Schedule | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const base = (id: string) => `api/schedules/${encodeURIComponent(id)}`;
  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      <ErrorNote error={error} />
      <ScheduleForm key={editing?.id ?? 'new'} editing={editing} onSaved={() => (setEditing(null), reload())} onCancel={() => setEditing(null)} />
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">id</th>
              <th scope="col">cadence</th>
              <th scope="col">runs</th>
              <th scope="col">next fire</th>
              <th scope="col">last fire</th>
              <th scope="col">status</th>
              <th scope="col"><span class="sr-only">actions</span></th>
            </tr>
          </thead>
          <tbody>
            {(data?.schedules ?? []).map((s) => (
              <tr key={s.id} data-schedule={s.id}>
                <th scope="row"><button type="button" class="link" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>{s.id}</button></th>
                <td>{cadenceOf(s.input)} → {String(s.input.job ?? s.input.workflow ?? '')}</td>
                <td>{s.runCount ?? 0}</td>
                <td>{s.paused ? 'paused' : s.nextFireAt ? `${time(s.nextFireAt)} (${ago(s.nextFireAt)})` : 'finished'}</td>
                <td>{s.lastFireAt ? ago(s.lastFireAt) : 'never'}{s.lastJobId && <> · <a href={href(`/jobs/${s.lastJobId}`)}>job {s.lastJobId}</a></>}</td>
                <td>{s.paused ? 'paused' : 'active'}</td>
                <td class="actions">
                  <ActionButton label="Trigger" run={() => post(`${base(s.id)}/trigger`)} onDone={reload} />
                  {s.paused ? <ActionButton label="Resume" run={() => post(`${base(s.id)}/resume`)} onDone={reload} /> : <ActionButton label="Pause" run={() => post(`${base(s.id)}/pause`)} onDone={reload} />}
                  <ActionButton label="Edit" run={async () => setEditing(s)} />
                  <ActionButton label="Delete" kind="danger" confirm={`Delete schedule ${s.id} and its history?`} run={() => api(base(s.id), { method: 'DELETE', body: {} })} onDone={reload} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.schedules.length === 0 && <p class="muted">No schedules yet.</p>}
      {open && <ScheduleHistory id={open} />}
      <h2>Timers</h2>
      <ErrorNote error={timers.error} />
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">kind</th>
              <th scope="col">fires</th>
              <th scope="col">for</th>
            </tr>
          </thead>
          <tbody>
            {(timers.data?.timers ?? []).map((t) => (
              <tr key={t.id}>
                <td>{t.kind}</td>
                <td>{time(t.fireAt)} ({ago(t.fireAt)})</td>
                <td>{t.jobId ? <a href={href(`/jobs/${t.jobId}`)}>{t.name || 'job'} {t.jobId}</a> : t.scheduleId ? `schedule ${t.scheduleId}` : t.name}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {timers.data && timers.data.timers.length === 0 && <p class="muted">No pending timers.</p>}
    </section>
  );
}
