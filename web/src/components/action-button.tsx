import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ErrorNote } from './error-note';
import { useCanAct } from './role';

interface Props {
  label: string;
  /** the API call; its error is shown beside the button */
  run: () => Promise<unknown>;
  onDone?: (result: unknown) => void;
  /** asked before running (destructive actions) */
  confirm?: string;
  kind?: 'danger' | 'normal';
  disabled?: boolean;
}

/** A button that calls the API, shows it is busy, and shows the server's error; hidden from read-only tokens. */
export function ActionButton({ label, run, onDone, confirm, kind = 'normal', disabled }: Props) {
  const canAct = useCanAct();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (!canAct) return null;
  const click = async () => {
    if (confirm && !window.confirm(confirm)) return;
    setBusy(true);
    setError(null);
    try {
      const result = await run();
      onDone?.(result);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button type="button" class={kind} disabled={busy || disabled} onClick={click} aria-busy={busy}>
        {label}
      </button>
      <ErrorNote error={error} />
    </span>
  );
}
