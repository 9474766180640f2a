import { time } from '../format';
import type { RunLog } from '../types';

/** Log lines, oldest first; the list is a live region so new lines are announced. */
export function LogList({ logs }: { logs: RunLog[] }) {
  if (logs.length === 0) return <p class="muted">No log lines.</p>;
  return (
    <ol class="logs" aria-live="polite" aria-label="log lines">
      {logs.map((l, i) => (
        <li key={i} class={`log-${l.level}`}>
          <time>{time(l.at)}</time> <span class="level">{l.level}</span> {l.stepId && <span class="step">[{l.stepId}]</span>} {l.message}
          {l.fields && Object.keys(l.fields).length > 0 && <code> {JSON.stringify(l.fields)}</code>}
        </li>
      ))}
    </ol>
  );
}
