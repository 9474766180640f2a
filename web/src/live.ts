import { apiUrl } from './api';
import { getToken } from './session';

/** An engine event as the server sends it over the WebSocket. */
export interface LiveEvent {
  type: string;
  timestamp: string;
  jobId?: string;
  runId?: string;
  queue?: string;
  [field: string]: unknown;
}

export type LiveStatus = 'connecting' | 'live' | 'offline';
type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<(status: LiveStatus) => void>();
let socket: WebSocket | null = null;
let status: LiveStatus = 'connecting';
let retryMs = 500;

function setStatus(next: LiveStatus): void {
  status = next;
  statusListeners.forEach((l) => l(next));
}

/**
 * One WebSocket for the whole page, subscribed to every event. The token goes in the first
 * message, not the URL (URLs end up in logs). A dropped connection is retried with backoff,
 * and listeners are told when it is back, so pages reload what they may have missed.
 */
export function connect(): void {
  socket?.close();
  setStatus('connecting');
  const url = apiUrl('api/events/ws').replace(/^http/, 'ws');
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    const token = getToken();
    if (token) ws.send(JSON.stringify({ action: 'auth', token }));
    ws.send(JSON.stringify({ action: 'subscribe', all: true }));
  };
  ws.onmessage = (message) => {
    const event = JSON.parse(String(message.data)) as LiveEvent;
    if (event.type === 'subscribed') {
      retryMs = 500;
      setStatus('live');
      listeners.forEach((l) => l({ type: 'live:reconnected', timestamp: new Date().toISOString() }));
      return;
    }
    if (event.type === 'hello' || event.type === 'authenticated' || event.type === 'error') return;
    listeners.forEach((l) => l(event));
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    setStatus('offline');
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onStatus(listener: (status: LiveStatus) => void): () => void {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}
