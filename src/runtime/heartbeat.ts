import { Worker as Thread } from 'node:worker_threads';
import type { Clock } from '../core/clock.js';
import { siblingModule } from '../core/module-url.js';
import type { Store } from '../store/store.js';

export interface LeaseKeeperOptions {
  store: Store;
  clock: Clock;
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  onError: (error: Error) => void;
}

/**
 * Keeps this worker's leases alive. When the store can be reopened in another thread, the renewals
 * run there (immune to a blocked event loop); otherwise on a timer in this thread.
 */
export class LeaseKeeper {
  private thread: Thread | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: LeaseKeeperOptions) {}

  async start(): Promise<void> {
    const { store, workerId, leaseMs, heartbeatMs } = this.options;
    const spec = store.reopenSpec();
    if (spec) {
      const url = siblingModule(import.meta.url, 'heartbeat-thread');
      // Running from sources (tests): the thread needs the TypeScript loader too.
      const execArgv = url.pathname.endsWith('.ts') ? ['--import', 'tsx'] : [];
      const thread = new Thread(url, { workerData: { spec, workerId, leaseMs, heartbeatMs }, execArgv });
      thread.on('message', (m: { type: string; message?: string }) => {
        if (m.type === 'error') this.options.onError(new Error(`heartbeat: ${m.message}`));
      });
      thread.on('error', (error) => this.options.onError(error));
      await new Promise<void>((resolve, reject) => {
        thread.once('message', () => resolve());
        thread.once('error', reject);
      });
      thread.unref();
      this.thread = thread;
      return;
    }
    this.timer = setInterval(() => {
      store.extendLeases(workerId, leaseMs, this.options.clock.now()).catch((e: Error) => this.options.onError(e));
    }, heartbeatMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const thread = this.thread;
    this.thread = null;
    if (!thread) return;
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(() => void thread.terminate().then(() => resolve()), 2000);
      thread.once('message', (m: { type: string }) => {
        if (m.type === 'stopped') {
          clearTimeout(timeout);
          void thread.terminate().then(() => resolve());
        }
      });
      thread.postMessage({ type: 'stop' });
    });
  }
}
