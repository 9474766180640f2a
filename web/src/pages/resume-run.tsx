import { useState } from 'preact/hooks';
import { ApiError, post } from '../api';
import { ErrorNote } from '../components/error-note';
import { useCanAct } from '../components/role';
import { parseJsonField } from './json-field';

/** A paused run (its budget ran out) resumes with a new budget. */
export function ResumeRun({ id, onDone }: { id: string; onDone: () => void }) {
  const canAct = useCanAct();
  const [budget, setBudget] = useState('{"costUsd": 10}');
  const [error, setError] = useState<ApiError | null>(null);
  if (!canAct) return <p role="status">This run is paused: its budget ran out.</p>;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await post(`api/executions/${id}/resume`, { budget: parseJsonField(budget, 'budget') ?? {} });
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form class="panel" onSubmit={submit} aria-label="resume run">
      <p>This run is paused: its budget ran out. Give it a new budget to resume it.</p>
      <label>
        New budget (JSON: tokens, costUsd, wallTime, steps)
        <input value={budget} onInput={(e) => setBudget(e.currentTarget.value)} />
      </label>
      <button type="submit">Resume</button>
      <ErrorNote error={error} />
    </form>
  );
}
