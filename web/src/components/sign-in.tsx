import { useState } from 'preact/hooks';

/** Asks for an API token (admin or read); the server said this one was missing or unknown. */
export function SignIn({ problem, onToken }: { problem: string | null; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <main id="main" class="sign-in">
      <h1>Taskwright</h1>
      <form
        aria-label="sign in"
        onSubmit={(e) => {
          e.preventDefault();
          onToken(token.trim());
        }}
      >
        <label>
          API token
          <input type="password" name="token" autoComplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required />
        </label>
        <button type="submit">Sign in</button>
        {problem && <p class="error" role="alert">{problem}</p>}
        <p class="muted">This server checks tokens (TASKWRIGHT_API_TOKENS). A read token sees everything and changes nothing.</p>
      </form>
    </main>
  );
}
