import { getToken } from './session';

/** A failed API call, with the server's error code and message (which names the bad value). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A URL of the API, relative to where the dashboard is served (it may sit under a prefix). */
export const apiUrl = (path: string): string => new URL(path.replace(/^\//, ''), document.baseURI).toString();

/** Calls the REST API with the user's token; a non-2xx answer throws an ApiError. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path), { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  } catch (error) {
    throw new ApiError(0, 'network', `the server did not answer (${(error as Error).message})`);
  }
  const text = await response.text();
  const body = text === '' ? null : (JSON.parse(text) as unknown);
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}

/** POST with a JSON body (an empty object when none), as the action routes expect. */
export const post = <T>(path: string, body: unknown = {}): Promise<T> => api<T>(path, { method: 'POST', body });

/** A query string from the set fields of `params`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
