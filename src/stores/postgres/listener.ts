import pg from 'pg';
import type { DueSignal } from '../../store/store.js';
import { storeTypes } from './connection.js';
import { parseDuePayload } from './due-notifier.js';

/**
 * Cross-process wake-ups: one dedicated connection LISTENs on the schema's channel (a pooled
 * connection cannot: LISTEN belongs to a session). Statements that make work claimable call
 * pg_notify, delivered when they commit. When the connection drops (server restart, network), it
 * reconnects after a pause, and on every (re)connect listeners are told to look once: anything
 * committed while nobody listened is found by that look. Started on the first subscriber.
 * The same connection listens on the due channel (see due-notifier.ts) for the stager and the
 * leader election, whose subscribers get `{ reconnected: true }` on every (re)connect.
 */
export class WakeListener {
  private readonly listeners = new Set<() => void>();
  private readonly dueListeners = new Set<(signal: DueSignal) => void>();
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private notifyScheduled = false;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly retryMs: number,
    private readonly dueChannel: string,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    this.start();
    return () => {
      this.listeners.delete(listener);
    };
  }

  subscribeDue(listener: (signal: DueSignal) => void): () => void {
    this.dueListeners.add(listener);
    this.start();
    return () => {
      this.dueListeners.delete(listener);
    };
  }

  private start(): void {
    if (!this.client && !this.retryTimer && !this.stopped) void this.connect();
  }

  private emitDue(signal: DueSignal): void {
    for (const listener of [...this.dueListeners]) listener(signal);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Coalesces a burst of notifications into one call per listener per turn. */
  private scheduleNotify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, types: storeTypes, application_name: 'taskwright-listener' });
    this.client = client;
    let failed = false;
    const fail = (): void => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      this.retry();
    };
    client.on('error', fail);
    client.on('end', fail);
    client.on('notification', (message) => {
      if (message.channel !== this.dueChannel) return this.scheduleNotify();
      const signal = parseDuePayload(message.payload);
      if (signal) this.emitDue(signal);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"; LISTEN "${this.dueChannel}"`);
      // listening alone does not keep the process alive (a worker's own timers do)
      (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.scheduleNotify();
      this.emitDue({ reconnected: true });
    } catch {
      fail();
    }
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped && !this.client) void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
