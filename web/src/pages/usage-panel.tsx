import { duration } from '../format';
import type { Run } from '../types';

interface Limit {
  label: string;
  used: number;
  limit: number | undefined;
  show: (n: number) => string;
}

/** What the run spent against its budget: a meter per limit the budget sets. */
export function UsagePanel({ usage, budget }: { usage: Run['usage']; budget: Run['budget'] }) {
  const b = (budget ?? {}) as { tokens?: number; costUsd?: number; wallTimeMs?: number; steps?: number };
  const rows: Limit[] = [
    { label: 'tokens', used: usage.tokens, limit: b.tokens, show: (n) => n.toLocaleString('en-US') },
    { label: 'cost', used: usage.costUsd, limit: b.costUsd, show: (n) => `$${n.toFixed(4)}` },
    { label: 'steps', used: usage.steps, limit: b.steps, show: String },
    { label: 'wall time', used: usage.wallTimeMs, limit: b.wallTimeMs, show: duration },
  ];
  return (
    <>
      <h2>Usage and budget</h2>
      <table class="usage">
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              <td>{row.show(row.used)}{typeof row.limit === 'number' ? ` of ${row.show(row.limit)}` : ''}</td>
              <td>{typeof row.limit === 'number' && row.limit > 0 && <meter min={0} max={row.limit} value={row.used} high={row.limit * 0.8} aria-label={`${row.label} used`} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
