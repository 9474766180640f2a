/** The API token the user typed in, kept for this browser tab only (sessionStorage). */
const KEY = 'taskwright.token';

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}
