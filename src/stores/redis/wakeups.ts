import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { DueSignal } from '../../store/store.js';
import type { Connection } from './connection.js';
import type { Keys } from './keys.js';

/**
 * Wake-ups are Redis pub/sub: the scripts that make work claimable PUBLISH on the store's wake
 * channel inside the same atomic call, and one subscriber connection per process (opened with the
 * first listener) turns messages into `onWake` calls. A lost message costs latency, not work: the
 * worker also claims on its due timer. On every (re)connect the listeners are called once, since
 * messages published while it was away are gone.
 */
export class Wakeups {
  private readonly local = new EventEmitter();
  private subscriber: Redis | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly keys: Keys,
  ) {
    this.local.setMaxListeners(0);
  }

  /** Calls this process's listeners now (the scripts' PUBLISH reaches the other processes). */
  signal(): void {
    this.local.emit('wake');
  }

  onWake(listener: () => void): () => void {
    this.local.on('wake', listener);
    this.subscribe();
    return () => this.local.off('wake', listener);
  }

  onDue(listener: (signal: DueSignal) => void): () => void {
    this.local.on('due', listener);
    this.subscribe();
    return () => this.local.off('due', listener);
  }

  /** Calls `listener(jobId)` when a cancel is requested for a job of `workerId` in any process. */
  onCancel(listener: (workerId: string, jobId: string) => void): () => void {
    this.local.on('cancel', listener);
    this.subscribe();
    return () => this.local.off('cancel', listener);
  }

  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = (this.subscriber = this.connection.duplicate());
    const { wakeChannel, cancelChannel, releasedChannel } = this.keys;
    subscriber.on('ready', () => {
      this.local.emit('wake');
      this.local.emit('due', { reconnected: true });
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === wakeChannel) this.local.emit('wake');
      else if (channel === releasedChannel) this.local.emit('due', { released: message });
      else if (channel === cancelChannel) {
        const tab = message.indexOf('\t');
        this.local.emit('cancel', message.slice(0, tab), message.slice(tab + 1));
      }
    });
    void subscriber.subscribe(wakeChannel, cancelChannel, releasedChannel).catch(() => undefined);
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.local.removeAllListeners();
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
