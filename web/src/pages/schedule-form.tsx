import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { ErrorNote } from '../components/error-note';
import { useCanAct } from '../components/role';
import type { Schedule } from '../types';
import { parseJsonField } from './json-field';

type Cadence = 'cron' | 'every' | 'at';

const cadenceOf = (input: Record<string, unknown> | undefined): Cadence => (input?.every !== undefined ? 'every' : input?.at !== undefined ? 'at' : 'cron');

/** Creates a schedule, or edits one (PATCH keeps its run count and history). The server checks cron, zones and durations. */
export function ScheduleForm({ editing, onSaved, onCancel }: { editing: Schedule | null; onSaved: () => void; onCancel: () => void }) {
  const canAct = useCanAct();
  const input = editing?.input;
  const [id, setId] = useState(editing?.id ?? '');
  const [cadence, setCadence] = useState<Cadence>(cadenceOf(input));
  const [when, setWhen] = useState(String(input?.cron ?? input?.every ?? input?.at ?? ''));
  const [timezone, setTimezone] = useState(String(input?.timezone ?? ''));
  const [target, setTarget] = useState<'job' | 'workflow'>(input?.workflow ? 'workflow' : 'job');
  const [name, setName] = useState(String(input?.job ?? input?.workflow ?? ''));
  const [payload, setPayload] = useState(input?.payload === undefined ? '' : JSON.stringify(input.payload));
  const [error, setError] = useState<ApiError | null>(null);
  if (!canAct) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const body: Record<string, unknown> = { [cadence]: cadence === 'every' && /^\d+$/.test(when.trim()) ? Number(when) : when.trim(), [target]: name.trim() };
      if (cadence === 'cron' && timezone.trim()) body.timezone = timezone.trim();
      const parsed = parseJsonField(payload, 'payload');
      if (parsed !== undefined) body.payload = parsed;
      if (editing) await api(`api/schedules/${encodeURIComponent(editing.id)}`, { method: 'PATCH', body });
      else await api('api/schedules', { method: 'POST', body: { id: id.trim(), ...body } });
      onSaved();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <details class="panel" open={editing !== null}>
      <summary>{editing ? `Edit schedule ${editing.id}` : 'Create a schedule'}</summary>
      <form onSubmit={submit} aria-label={editing ? 'edit schedule' : 'create schedule'}>
        {!editing && (
          <label>
            Id <input name="id" value={id} onInput={(e) => setId(e.currentTarget.value)} required />
          </label>
        )}
        <fieldset>
          <legend>Cadence</legend>
          {(['cron', 'every', 'at'] as const).map((c) => (
            <label class="radio" key={c}>
              <input type="radio" name="cadence" value={c} checked={cadence === c} onChange={() => setCadence(c)} /> {c}
            </label>
          ))}
        </fieldset>
        <label>
          {cadence === 'cron' ? 'Cron expression' : cadence === 'every' ? 'Interval (e.g. 5m)' : 'Time (ISO)'}
          <input name="when" value={when} onInput={(e) => setWhen(e.currentTarget.value)} required placeholder={cadence === 'cron' ? '0 9 * * 1-5' : cadence === 'every' ? '5m' : '2030-01-01T09:00:00Z'} />
        </label>
        {cadence === 'cron' && (
          <label>
            Time zone <input name="timezone" value={timezone} onInput={(e) => setTimezone(e.currentTarget.value)} placeholder="Europe/Berlin" />
          </label>
        )}
        <label>
          Runs
          <select value={target} onChange={(e) => setTarget(e.currentTarget.value as 'job' | 'workflow')}>
            <option value="job">a job</option>
            <option value="workflow">a workflow</option>
          </select>
        </label>
        <label>
          Name <input name="target" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        </label>
        <label>
          Payload (JSON) <textarea name="payload" rows={2} value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />
        </label>
        <button type="submit">{editing ? 'Save' : 'Create'}</button>
        {editing && <button type="button" onClick={onCancel}>Cancel</button>}
        <ErrorNote error={error} />
      </form>
    </details>
  );
}
