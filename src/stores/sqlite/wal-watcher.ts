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

  private start(): void {
    const walName = `${basename(this.databasePath)}-wal`;
    try {
      this.watcher = watch(dirname(this.databasePath), { persistent: false }, (_event, filename) => {
        if (filename === walName) for (const listener of this.listeners) listener();
      });
      this.watcher.on('error', () => this.stop());
    } catch {
      this.watcher = null; // no file watching here: the worker's fallback poll takes over
    }
  }
}
