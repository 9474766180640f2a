import { duration } from '../format';
import type { RunStep } from '../types';

/** The steps on one time axis (a Gantt chart): when each started and how long it took; running ones grow to now. */
export function Gantt({ steps, now }: { steps: RunStep[]; now: number }) {
  const timed = steps.filter((s) => s.startedAt !== null);
  if (timed.length === 0) return <p class="muted">No step has started yet.</p>;
  const start = Math.min(...timed.map((s) => s.startedAt as number));
  const end = Math.max(...timed.map((s) => s.finishedAt ?? now), start + 1);
  const span = end - start;
  return (
    <ol class="gantt" aria-label="step timeline">
      {timed.map((s) => {
        const from = ((s.startedAt as number) - start) / span;
        const width = Math.max(((s.finishedAt ?? now) - (s.startedAt as number)) / span, 0.005);
        return (
          <li key={s.id}>
            <span class="gantt-label">{s.id}</span>
            <span class="gantt-track">
              <span class={`gantt-bar s-${s.status}`} style={{ left: `${from * 100}%`, width: `${width * 100}%` }} title={`${s.id}: ${s.status}, ${duration(s.durationMs)}`} />
            </span>
            <span class="gantt-time">{s.durationMs === null ? s.status : duration(s.durationMs)}</span>
          </li>
        );
      })}
    </ol>
  );
}
