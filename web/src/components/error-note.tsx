import type { ApiError } from '../api';

/** An API error as the server worded it, announced to screen readers. */
export function ErrorNote({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.status > 0 ? `${error.status} ${error.code}: ` : ''}
      {error.message}
    </p>
  );
}
