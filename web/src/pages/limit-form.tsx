import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { ErrorNote } from '../components/error-note';
import { useCanAct } from '../components/role';

/** Sets a key's concurrency and rate limit; the server checks the values and names a bad one. */
export function LimitForm({ onSaved }: { onSaved: () => void }) {
  const canAct = useCanAct();
  const [key, setKey] = useState('');
  const [concurrency, setConcurrency] = useState('');
  const [rate, setRate] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  if (!canAct) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = {};
    if (concurrency.trim() !== '') {
      const n = Number(concurrency);
      if (!Number.isInteger(n)) return setError(new ApiError(0, 'invalid_input', `expected concurrency to be a whole number, got ${JSON.stringify(concurrency)}`));
      body.concurrency = n;
    }
    if (rate.trim() !== '') body.rate = rate.trim();
    try {
      await api(`api/limits/${encodeURIComponent(key.trim())}`, { method: 'PUT', body });
      setKey('');
      setConcurrency('');
      setRate('');
      onSaved();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label="set a limit">
      <label>
        Key <input value={key} onInput={(e) => setKey(e.currentTarget.value)} required placeholder="queue or concurrency key" />
      </label>
      <label>
        Concurrency <input value={concurrency} onInput={(e) => setConcurrency(e.currentTarget.value)} inputMode="numeric" size={6} />
      </label>
      <label>
        Rate <input value={rate} onInput={(e) => setRate(e.currentTarget.value)} placeholder="10/1s" size={8} />
      </label>
      <button type="submit">Set limit</button>
      <ErrorNote error={error} />
    </form>
  );
}
