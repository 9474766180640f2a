import { useState } from 'preact/hooks';
import { ApiError, post } from '../api';
import { ErrorNote } from '../components/error-note';
import { useCanAct } from '../components/role';
import { navigate } from '../router';
import { parseJsonField } from './json-field';

/** Starts a run of a known workflow with a JSON input, then opens it. */
export function StartRun({ workflows }: { workflows: string[] }) {
  const canAct = useCanAct();
  const [workflow, setWorkflow] = useState('');
  const [input, setInput] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  if (!canAct || workflows.length === 0) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const chosen = workflow || (workflows[0] as string);
      const result = await post<{ executionId: string }>(`api/workflows/${encodeURIComponent(chosen)}/execute`, { input: parseJsonField(input, 'input') ?? null });
      navigate(`/runs/${result.executionId}`);
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <details class="panel">
      <summary>Start a run</summary>
      <form onSubmit={submit} aria-label="start a run">
        <label>
          Workflow
          <select value={workflow} onChange={(e) => setWorkflow(e.currentTarget.value)}>
            {workflows.map((w) => (
              <option key={w} value={w}>{w}</option>
            ))}
          </select>
        </label>
        <label>
          Input (JSON)
          <textarea rows={3} value={input} onInput={(e) => setInput(e.currentTarget.value)} />
        </label>
        <button type="submit">Start</button>
        <ErrorNote error={error} />
      </form>
    </details>
  );
}
