import type { Queryable } from './connection.js';

/**
 * Tells the stager, in whichever process leads, that a job became scheduled due at some time: a
 * NOTIFY on the schema's due channel with the earliest due time as payload, sent after the write
 * committed (as WakeNotifier does, and for the same reason: no notify lock inside the write's
 * transaction). At most one is in flight; due times signalled meanwhile go out in one more, as
 * their minimum. Workers do not listen on this channel, so a retry with backoff wakes nobody else.
 */
export class DueNotifier {
  private inFlight: Promise<void> | null = null;
  private pending: number | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly channel: string,
  ) {}

  /** Fire and forget: a lost signal only delays staging until the stager's safety poll. */
  notify(dueAt: number): void {
    this.pending = this.pending === null ? dueAt : Math.min(this.pending, dueAt);
    if (this.inFlight) return;
    const payload = String(this.pending);
    this.pending = null;
    this.inFlight = this.send(payload).finally(() => {
      this.inFlight = null;
      if (this.pending !== null) this.notify(this.pending);
    });
  }

  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async send(payload: string): Promise<void> {
    try {
      await this.db.query({
        name: `due_${this.channel}`,
        text: "SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)",
        values: [this.channel, payload],
      });
    } catch {
      // the server is unreachable: the stager finds the job at its safety poll or reconnect
    }
  }
}

/** Reads a due-channel payload: a due time, or `released:ROLE` from a leader that stepped down. */
export function parseDuePayload(payload: string | undefined): { dueAt: number } | { released: string } | null {
  if (!payload) return null;
  if (payload.startsWith('released:')) return { released: payload.slice('released:'.length) };
  const dueAt = Number(payload);
  return Number.isFinite(dueAt) ? { dueAt } : null;
}
