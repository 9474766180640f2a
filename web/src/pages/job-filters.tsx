import { useState } from 'preact/hooks';

export const JOB_STATES = ['scheduled', 'queued', 'running', 'completed', 'failed', 'dead', 'cancelled'] as const;

export interface JobFilter {
  state?: string;
  queue?: string;
  name?: string;
  tag?: string;
  text?: string;
}

/** The filter form: state, queue, name and tag go to the server; text narrows the page shown. */
export function JobFilters({ value, onChange }: { value: JobFilter; onChange: (next: JobFilter) => void }) {
  const [draft, setDraft] = useState<JobFilter>(value);
  const field = (key: keyof JobFilter, label: string, placeholder = '') => (
    <label>
      {label}
      <input name={key} value={draft[key] ?? ''} placeholder={placeholder} onInput={(e) => setDraft({ ...draft, [key]: e.currentTarget.value })} />
    </label>
  );
  return (
    <form
      class="filters"
      aria-label="filter jobs"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(draft);
      }}
    >
      <label>
        State
        <select name="state" value={draft.state ?? ''} onChange={(e) => setDraft({ ...draft, state: e.currentTarget.value })}>
          <option value="">any</option>
          {JOB_STATES.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </label>
      {field('queue', 'Queue')}
      {field('name', 'Name')}
      {field('tag', 'Tag')}
      {field('text', 'Text', 'id, payload, error…')}
      <button type="submit">Filter</button>
    </form>
  );
}

/** Whether a job's id, name, payload, error or tags contain the text (case-insensitive). */
export function matchesText(job: { id: string; name: string; payload?: unknown; error: { message: string } | null; tags: string[] }, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (needle === '') return true;
  const hay = [job.id, job.name, JSON.stringify(job.payload ?? null), job.error?.message ?? '', ...job.tags].join('\n').toLowerCase();
  return hay.includes(needle);
}
