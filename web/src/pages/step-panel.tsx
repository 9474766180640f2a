import { JsonView } from '../components/json-view';
import { StateBadge } from '../components/state-badge';
import { duration, time } from '../format';
import type { RunStep } from '../types';

/** The selected step's input, output or error, timing and attempts. */
export function StepPanel({ step }: { step: RunStep | null }) {
  if (!step) return <p class="muted">Select a step in the graph (click, or Tab and Enter).</p>;
  return (
    <div class="step-panel" data-testid="step-panel">
      <h3>
        {step.id} <StateBadge state={step.status} /> {step.parked && <span class="badge">{step.parked}</span>}
      </h3>
      <dl class="facts">
        <dt>started</dt><dd>{time(step.startedAt)}</dd>
        <dt>took</dt><dd>{duration(step.durationMs)}</dd>
        <dt>attempts</dt><dd>{step.attempts}</dd>
        <dt>usage</dt><dd>{step.usage ? `${step.usage.tokens} tokens, $${step.usage.costUsd.toFixed(4)}` : '—'}</dd>
      </dl>
      <h4>Input</h4>
      <JsonView value={step.input} label={`input of ${step.id}`} />
      <h4>Output</h4>
      <JsonView value={step.output} label={`output of ${step.id}`} />
      {step.error && (
        <>
          <h4>Error</h4>
          <p class="error-text">{step.error.message}</p>
          {step.error.stack && <pre class="stack">{step.error.stack}</pre>}
        </>
      )}
    </div>
  );
}
