import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { onStatus, type LiveStatus } from '../live';
import type { Role } from '../types';

const PAGES = [
  ['/', 'Overview'],
  ['/queues', 'Queues'],
  ['/jobs', 'Jobs'],
  ['/dlq', 'Dead letters'],
  ['/runs', 'Runs'],
  ['/schedules', 'Schedules'],
  ['/workers', 'Workers'],
] as const;

function LiveIndicator() {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  useEffect(() => onStatus(setStatus), []);
  return (
    <span class={`live live-${status}`} role="status" data-testid="live-status">
      {status === 'live' ? '● live' : status === 'connecting' ? '○ connecting' : '○ offline, retrying'}
    </span>
  );
}

/** The frame: skip link, navigation, the token's role, the live connection, then the page. */
export function Layout({ path, role, authEnabled, onSignOut, children }: { path: string; role: Role; authEnabled: boolean; onSignOut: () => void; children: ComponentChildren }) {
  const section = `/${path.split('/')[1] ?? ''}`;
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <span class="brand">Taskwright</span>
        <nav aria-label="pages">
          {PAGES.map(([to, label]) => (
            <a key={to} href={`#${to}`} aria-current={section === to ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
        <span class="who">
          <LiveIndicator />
          <span data-testid="role">{role === 'admin' ? 'admin' : 'read-only'}</span>
          {authEnabled && <button type="button" onClick={onSignOut}>Sign out</button>}
        </span>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}
