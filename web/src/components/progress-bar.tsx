/** The percent a progress value stands for: a number (0-100), { percent }, or { done, of }. */
export function percentOf(progress: unknown): number | null {
  if (typeof progress === 'number') return progress;
  if (typeof progress !== 'object' || progress === null) return null;
  const p = progress as { percent?: unknown; done?: unknown; of?: unknown };
  if (typeof p.percent === 'number') return p.percent;
  if (typeof p.done === 'number' && typeof p.of === 'number' && p.of > 0) return (p.done / p.of) * 100;
  return null;
}

/** A job's progress as a bar when it names a percent, else its value as text. */
export function ProgressBar({ progress }: { progress: unknown }) {
  const percent = percentOf(progress);
  if (percent === null) return progress === undefined || progress === null ? <span>—</span> : <code>{JSON.stringify(progress)}</code>;
  const clamped = Math.max(0, Math.min(100, percent));
  return (
    <span class="progress">
      <progress max={100} value={clamped} aria-label={`progress ${Math.round(clamped)}%`} />
      <span>{Math.round(clamped)}%</span>
    </span>
  );
}
