import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { WireEvent } from '../telemetry/wire-event.js';
import { allows, type Role, type TokenAuthority } from './auth.js';

const Target = z.union([
  z.object({ execution: z.string().min(1).max(100) }).strict(),
  z.object({ job: z.string().min(1).max(100) }).strict(),
  z.object({ queue: z.string().min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
const Message = z.union([
  z.object({ action: z.literal('auth'), token: z.string().max(1000) }).strict(),
  z.object({ action: z.enum(['subscribe', 'unsubscribe']) }).passthrough(),
]);

export interface HubOptions {
  authority: TokenAuthority;
  /** a client whose unsent data passes this many bytes is dropped (it reads too slowly). Default 1 MiB. */
  maxBufferedBytes?: number;
  /** a client must authenticate within this long when it did not send a token with the upgrade. Default 5s. */
  authTimeoutMs?: number;
  /** ping every client this often; one that did not answer the previous ping is closed. Default 30s. */
  pingMs?: number;
}

interface Client {
  socket: WebSocket;
  role: Role | null;
  topics: Set<string>;
  alive: boolean;
}

const topicOf = (target: z.infer<typeof Target>): string =>
  'all' in target ? 'all' : 'execution' in target ? `execution:${target.execution}` : 'job' in target ? `job:${target.job}` : `queue:${target.queue}`;

/** The topics an event belongs to: everything, its job, its run, its queue. */
function topicsOf(event: WireEvent): string[] {
  const topics = ['all'];
  if (typeof event.jobId === 'string') topics.push(`job:${event.jobId}`, `execution:${event.jobId}`);
  if (typeof event.runId === 'string') topics.push(`execution:${event.runId}`);
  if (typeof event.queue === 'string') topics.push(`queue:${event.queue}`);
  return topics;
}

/**
 * WebSocket clients and their subscriptions. Sending never waits: a client that lets too much
 * data pile up is closed (1013), so one slow reader cannot slow the engine or the other clients.
 */
export class WebSocketHub {
  private readonly clients = new Set<Client>();
  private readonly maxBuffered: number;
  private readonly pinger: NodeJS.Timeout;
  dropped = 0;

  constructor(private readonly options: HubOptions) {
    this.maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
    // a peer that vanished without closing (network gone) answers no ping and is let go
    this.pinger = setInterval(() => {
      for (const client of this.clients) {
        if (!client.alive) {
          this.clients.delete(client);
          client.socket.terminate();
          continue;
        }
        client.alive = false;
        client.socket.ping();
      }
    }, options.pingMs ?? 30_000);
    this.pinger.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** A new connection; `token` came with the upgrade (header or ?token=), or it must come as the first message. */
  accept(socket: WebSocket, token: string | undefined): void {
    const authority = this.options.authority;
    const client: Client = { socket, role: authority.enabled ? authority.roleOf(token) : 'admin', topics: new Set(), alive: true };
    if (authority.enabled && token !== undefined && client.role === null) return this.refuse(socket, 'unknown token');
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    socket.on('message', (data) => this.onMessage(client, String(data)));
    socket.on('pong', () => (client.alive = true));
    if (client.role === null) {
      const timer = setTimeout(() => client.role === null && this.refuse(socket, 'no token: send {"action":"auth","token":...} first'), this.options.authTimeoutMs ?? 5000);
      timer.unref();
      socket.on('close', () => clearTimeout(timer));
    }
    this.send(client, { type: 'hello', authenticated: client.role !== null });
  }

  private refuse(socket: WebSocket, why: string): void {
    this.sendRaw(socket, { type: 'error', error: { code: 'unauthorized', message: why } });
    socket.close(4401, 'unauthorized');
  }

  private onMessage(client: Client, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.reject(client, `expected a JSON message, got ${JSON.stringify(text.slice(0, 40))}`);
    }
    const message = Message.safeParse(parsed);
    if (!message.success) return this.reject(client, 'expected {"action":"subscribe"|"unsubscribe"|"auth", ...}');
    if (message.data.action === 'auth') {
      const role = this.options.authority.enabled ? this.options.authority.roleOf(message.data.token) : 'admin';
      if (role === null) return this.refuse(client.socket, 'unknown token');
      client.role = role;
      return this.send(client, { type: 'authenticated', role });
    }
    if (client.role === null || !allows(client.role, 'read')) return this.refuse(client.socket, 'authenticate first');
    const { action, ...rest } = message.data;
    const target = Target.safeParse(rest);
    if (!target.success) return this.reject(client, `expected ${action} to name one of execution, job, queue (an id or name) or all: true`);
    const topic = topicOf(target.data);
    if (action === 'subscribe') client.topics.add(topic);
    else client.topics.delete(topic);
    this.send(client, { type: action === 'subscribe' ? 'subscribed' : 'unsubscribed', ...target.data });
  }

  private reject(client: Client, message: string): void {
    this.send(client, { type: 'error', error: { code: 'invalid_input', message } });
  }

  /** Delivers an engine event to every client subscribed to one of its topics. */
  publish(event: WireEvent): void {
    if (this.clients.size === 0) return;
    const topics = topicsOf(event);
    let text: string | null = null;
    for (const client of this.clients) {
      if (client.role === null || !topics.some((t) => client.topics.has(t))) continue;
      text ??= JSON.stringify(event);
      this.sendText(client, text);
    }
  }

  private send(client: Client, message: object): void {
    this.sendText(client, JSON.stringify(message));
  }

  private sendText(client: Client, text: string): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    if (client.socket.bufferedAmount > this.maxBuffered) {
      this.clients.delete(client);
      this.dropped++;
      client.socket.close(1013, 'too slow: events piled up');
      return;
    }
    client.socket.send(text);
  }

  private sendRaw(socket: WebSocket, message: object): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  closeAll(): void {
    clearInterval(this.pinger);
    for (const client of this.clients) client.socket.close(1001, 'server stopping');
    this.clients.clear();
  }
}
