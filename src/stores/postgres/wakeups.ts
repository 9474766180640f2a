import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { DueSignal } from '../../store/store.js';
import { DueNotifier } from './due-notifier.js';
import { WakeListener } from './listener.js';
import { WakeNotifier } from './notifier.js';
import type { CompiledPostgresOptions } from './options.js';
import type { SchemaNames } from './sql.js';

/**
 * A store's wake-ups and due signals: to this process's listeners at once, to other processes by
 * NOTIFY after a write commits, and from other processes through the LISTEN connection. A view
 * bound to a caller's client has no remote side (its statements notify with the caller's commit)
 * and signals nothing about due times.
 */
export class Wakeups {
  private readonly local = new EventEmitter();
  private readonly listener: WakeListener | null;
  private readonly notifier: WakeNotifier | null;
  private readonly dueNotifier: DueNotifier | null;

  /** `pool` null: a view bound to a caller's client. */
  constructor(
    private readonly pool: pg.Pool | null,
    options: CompiledPostgresOptions,
    names: SchemaNames,
  ) {
    this.local.setMaxListeners(0);
    this.listener = pool ? new WakeListener(options.connectionString, names.channel, options.listenerRetryMs, names.dueChannel) : null;
    this.notifier = pool ? new WakeNotifier(pool, names.channel) : null;
    this.dueNotifier = pool ? new DueNotifier(pool, names.dueChannel) : null;
  }

  /** Wakes this process's listeners. */
  wake(): void {
    this.local.emit('wake');
  }

  /** Wakes other processes' listeners, after the write that calls it committed. */
  notifyOthers(): void {
    this.notifier?.notify();
  }

  /** Wakes this process's listeners now and other processes' after the commit. */
  wakeEverywhere(): void {
    if (!this.pool) return;
    this.wake();
    this.notifyOthers();
  }

  /**
   * A job became scheduled due at `dueAt`: tell the stager, here at once and in other processes
   * after the commit (a view bound to a caller's client signals inside its statements instead).
   * `remote` false: the write already told other processes' stagers in its own statement.
   */
  signalDue(dueAt: number | null, remote = true): void {
    if (dueAt === null || !this.pool) return;
    this.local.emit('due', { dueAt } satisfies DueSignal);
    if (remote) this.dueNotifier?.notify(dueAt);
  }

  /** This process gave up a leader role: its own followers may take it now. */
  signalReleased(role: string): void {
    this.local.emit('due', { released: role } satisfies DueSignal);
  }

  onWake(listener: () => void): () => void {
    return this.subscribeEverywhere('wake', listener, this.listener?.subscribe(listener));
  }

  /** Due signals of this process at once, and of every process through the LISTEN connection. */
  onDue(listener: (signal: DueSignal) => void): () => void {
    return this.subscribeEverywhere('due', listener, this.listener?.subscribeDue(listener));
  }

  /** Drops this process's listeners, sends what is pending and closes the LISTEN connection. */
  async close(): Promise<void> {
    this.local.removeAllListeners();
    await this.notifier?.flush();
    await this.dueNotifier?.flush();
    await this.listener?.stop();
  }

  /** Listens to this process's `event` and, through `unlistenRemote`, other processes'; the returned call undoes both once. */
  private subscribeEverywhere<A extends unknown[]>(event: 'due' | 'wake', listener: (...args: A) => void, unlistenRemote: (() => void) | undefined): () => void {
    this.local.on(event, listener);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.local.off(event, listener);
      unlistenRemote?.();
    };
  }
}
