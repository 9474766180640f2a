import type { Queryable } from './connection.js';

/**
 * Sends the schema's wake-up NOTIFY after a write committed, at most one at a time per store:
 * writes that commit while one is in flight are covered by one more. A NOTIFY inside the write's
 * own transaction would make every such commit take PostgreSQL's global notify lock through its
 * WAL flush, serializing all enqueues of all processes; this way the writes commit in parallel
 * (group commit) and the notification, which need not be durable, commits without waiting for
 * the flush (synchronous_commit off for that statement only).
 */
export class WakeNotifier {
  private inFlight: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Queryable,
    private readonly channel: string,
  ) {}

  /** Fire and forget: a lost notification only delays workers until their fallback poll. */
  notify(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.send().finally(() => {
      this.inFlight = null;
      if (this.again) {
        this.again = false;
        this.notify();
      }
    });
  }

  /** Resolves when no notification is pending (for close). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async send(): Promise<void> {
    try {
      await this.db.query({
        name: `wake_${this.channel}`,
        text: "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')",
        values: [this.channel],
      });
    } catch {
      // the server is unreachable: workers find the work at their next poll or reconnect
    }
  }
}
