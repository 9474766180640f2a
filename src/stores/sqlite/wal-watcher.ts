import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Cross-process wake-ups for an embedded database: every commit in WAL mode writes the `-wal`
 * file, and the OS reports that write (inotify on Linux) within microseconds. Listeners are told
 * "something changed"; they coalesce and re-check the store. A slow fallback poll in the worker
 * covers platforms where file watching is unavailable.
 */
export class WalWatcher {
  private readonly listeners = new Set<() => void>();
  private watcher: FSWatcher | null = null;
  private notifyScheduled = false;

  constructor(private readonly databasePath: string) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.watcher) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  /**
   * Listeners run on the next turn, never inside the watch callback: libuv drains inotify until it
   * is empty, so a listener that commits (and so writes the WAL again) would otherwise keep the
   * event loop in that drain forever and starve everything else.
   */
  private scheduleNotify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      for (const listener of this.listeners) listener();
    });
  }

  private start(): void {
    const walName = `${basename(this.databasePath)}-wal`;
    try {
      this.watcher = watch(dirname(this.databasePath), { persistent: false }, (_event, filename) => {
        if (filename === walName) this.scheduleNotify();
      });
      this.watcher.on('error', () => this.stop());
    } catch {
      this.watcher = null; // no file watching here: the worker's fallback poll takes over
    }
  }
}
