import type { SettleResult, Settlement } from '../store/types.js';

/** Persists a batch of outcomes. */
export type SettlementWriter = (settlements: Settlement[]) => Promise<SettleResult>;

const MAX_WRITE_ATTEMPTS = 20;

export interface PendingSettlement {
  settlement: Settlement;
  /**
   * called after the write: `applied` false when the worker no longer owned the attempt;
   * `cancelledInstead` when a pending cancel request replaced the outcome
   */
  onSettled: (applied: boolean, cancelledInstead: boolean) => void;
}

/**
 * Collects outcomes finished in the same tick and writes them in one store call, so a burst of
 * completions costs one transaction. Callbacks run only after the write returned (persisted).
 * Up to `maxWrites` calls may be in flight at once: on a networked store, outcomes that finish
 * while one batch is being written go out at once on another connection, and the commits share
 * the server's log flushes, instead of waiting a whole round trip.
 */
export class Settler {
  private queue: PendingSettlement[] = [];
  private readonly writing = new Set<Promise<void>>();
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly writer: SettlementWriter,
    private readonly onError: (error: Error) => void,
    private readonly afterFlush: () => void,
    private readonly maxWrites = 1,
  ) {}

  /** Outcomes waiting for the next write (not counting the batches being written). */
  get queuedSize(): number {
    return this.queue.length;
  }

  /** Outcomes not yet persisted (waiting or being written). */
  get size(): number {
    return this.queue.length + this.inFlight;
  }

  add(item: PendingSettlement): void {
    this.queue.push(item);
    this.schedule();
  }

  /** Resolves when everything added so far is written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.writing.size > 0 || this.scheduled) {
      if (this.writing.size > 0 && (this.writing.size >= this.maxWrites || this.queue.length === 0)) await Promise.race(this.writing);
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing.size >= this.maxWrites || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): Promise<void> => {
    this.scheduled = false;
    if (this.writing.size >= this.maxWrites || this.queue.length === 0) return Promise.resolve();
    const batch = this.queue;
    this.queue = [];
    this.inFlight += batch.length;
    const writing: Promise<void> = this.write(batch).finally(() => {
      this.writing.delete(writing);
      this.inFlight -= batch.length;
      this.schedule();
      this.afterFlush();
    });
    this.writing.add(writing);
    return writing;
  };

  private async write(batch: PendingSettlement[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.writer(batch.map((p) => p.settlement));
        if (result.applied.length === batch.length && result.cancelled.length === 0) {
          for (const item of batch) item.onSettled(true, false);
        } else {
          const applied = new Set(result.applied);
          const cancelled = new Set(result.cancelled);
          for (const item of batch) item.onSettled(applied.has(item.settlement.id), cancelled.has(item.settlement.id));
        }
        return;
      } catch (error) {
        // The store is unavailable (busy, restarting): keep the outcomes and try again. After
        // MAX_WRITE_ATTEMPTS the batch is dropped: its leases expire and the lifeline rescues the
        // jobs, so they run again rather than being lost (at-least-once).
        this.onError(error as Error);
        if (attempt + 1 >= MAX_WRITE_ATTEMPTS) {
          for (const item of batch) item.onSettled(false, false);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }
}
