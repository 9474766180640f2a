/** A small live line chart (SVG): one series of numbers, newest on the right; the text summary serves screen readers. */
export function LineChart({ values, label, unit, width = 320, height = 80 }: { values: number[]; label: string; unit: string; width?: number; height?: number }) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - (v / max) * (height - 4) - 2).toFixed(1)}`).join(' ');
  const last = values[values.length - 1] ?? 0;
  return (
    <figure class="chart">
      <figcaption>
        {label}: <strong>{Number.isInteger(last) ? last : last.toFixed(1)}</strong> {unit} <span class="muted">(max {Math.round(max)})</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${label}, last ${values.length} seconds`}>
        <polyline points={points} class="line" />
      </svg>
    </figure>
  );
}
