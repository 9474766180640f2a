/** A job state, run status or step status as a coloured label (the text carries the meaning, not the colour). */
export function StateBadge({ state }: { state: string }) {
  return <span class={`badge s-${state}`}>{state}</span>;
}
