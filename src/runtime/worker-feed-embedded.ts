import type { ClaimRequest, SettleResult, Settlement } from '../store/types.js';
import type { Store } from '../store/store.js';
import type { FeedHost } from './worker-feed.js';

/** What the embedded feed needs beyond the common host. */
export interface EmbeddedFeedHost extends FeedHost {
  store: Store;
  /** free slots when outcomes not yet persisted still hold theirs */
  freeCountingOutcomes(): number;
  /** free slots when the outcomes of the batch being written no longer hold theirs */
  freeBesideBatch(): number;
  request(limit: number, now: number): ClaimRequest;
}

/**
 * Feeds a worker on an embedded store, where a claim and a write cannot overlap anyway: one claim
 * at a time, for the free slots only, and a busy worker's batch of outcomes claims its successors
 * in the same transaction (settleAndClaim), so each round of work costs one transaction.
 * Outcomes not yet persisted hold their slot: that bounds the unwritten backlog.
 */
export class EmbeddedFeed {
  private claims = 0;
  private again = false;

  constructor(private readonly host: EmbeddedFeedHost) {}

  get claiming(): boolean {
    return this.claims > 0;
  }

  readonly buffered = 0;

  takeAll(): [] {
    return [];
  }

  /** Claim as many jobs as there are free slots. Safe to call at any time; calls coalesce. */
  pump = (): void => {
    const host = this.host;
    if (this.claiming) {
      this.again = true;
      return;
    }
    const free = host.freeCountingOutcomes();
    if (free <= 0) return;
    this.claims++;
    this.again = false;
    const now = host.now();
    host.claim(free, now).then(
      (result) => {
        this.claims--;
        host.breakers(result.breakerChanges);
        for (const job of result.jobs) host.start(job, now);
        if (!host.isRunning()) return;
        if (this.again || result.jobs.length === free) {
          // more may be waiting; slots freed meanwhile are filled on the next pump
          if (this.again) setImmediate(this.pump);
          return;
        }
        host.idle(result.nextDueAt);
      },
      (error: Error) => {
        this.claims--;
        host.failed(error);
        host.idle(null);
      },
    );
  };

  /** After outcomes were written: claim for the slots they freed. */
  refill(): void {
    this.pump();
  }

  /** Writes a batch of outcomes; a busy worker's batch also claims its successors. */
  async write(batch: Settlement[], now: number): Promise<SettleResult> {
    const host = this.host;
    const free = host.freeBesideBatch();
    if (!host.isRunning() || this.claiming || free <= 0) {
      const settled = await host.store.settle(batch, now);
      host.breakers(settled.breakerChanges);
      return settled;
    }
    this.claims++;
    try {
      const { settled, claim } = await host.store.settleAndClaim(batch, host.request(free, now));
      host.breakers(settled.breakerChanges);
      host.breakers(claim.breakerChanges);
      for (const job of claim.jobs) host.start(job, now);
      if (claim.jobs.length < free) host.idle(claim.nextDueAt);
      return settled;
    } finally {
      this.claims--;
    }
  }
}
