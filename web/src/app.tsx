import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api';
import { Layout } from './components/layout';
import { RoleContext } from './components/role';
import { SignIn } from './components/sign-in';
import { connect } from './live';
import { useRoute } from './router';
import { getToken, setToken } from './session';
import type { Role } from './types';
import { Page } from './pages/page';

type Session = { state: 'checking' } | { state: 'signed-out'; problem: string | null } | { state: 'ready'; role: Role; authEnabled: boolean };

/** Checks the token (GET /api/session), then shows the pages with the token's role. */
export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const check = () =>
    api<{ role: Role; authEnabled: boolean }>('api/session').then(
      (s) => {
        setSession({ state: 'ready', role: s.role, authEnabled: s.authEnabled });
        connect();
      },
      (e: unknown) => {
        const signedOut = e instanceof ApiError && (e.status === 401 || e.status === 403);
        setSession({ state: 'signed-out', problem: signedOut ? (getToken() ? e.message : null) : (e as Error).message });
      },
    );
  useEffect(() => void check(), []);
  if (session.state === 'checking') return <p class="boot">Connecting…</p>;
  if (session.state === 'signed-out') {
    return (
      <SignIn
        problem={session.problem}
        onToken={(token) => {
          setToken(token);
          void check();
        }}
      />
    );
  }
  return (
    <RoleContext.Provider value={session.role}>
      <Layout
        path={route.path}
        role={session.role}
        authEnabled={session.authEnabled}
        onSignOut={() => {
          setToken(null);
          location.reload();
        }}
      >
        <Page route={route} />
      </Layout>
    </RoleContext.Provider>
  );
}
