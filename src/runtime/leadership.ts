import type { Store } from '../store/store.js';
import type { EngineEventBus } from '../telemetry/events.js';

/**
 * One leader role held through the store's lease rows (capability `leaderElection`): the engine
 * asks for the role at start and every third of the lease's ttl after, which renews it while it
 * leads and takes it over once a dead leader's lease has run out. A leader that cannot renew steps
 * down when its lease would have expired (measured from when it asked), before anyone else may take
 * over. On a clean stop it releases the role, which tells followers to take it at once. On a store
 * without leader election (embedded SQLite) the engine leads at once: each duty is atomic there.
 */
export class Leadership {
  private leading = false;
  private renewTimer: NodeJS.Timeout | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private attempt: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly store: Store,
    readonly role: string,
    readonly holder: string,
    private readonly ttlMs: number,
    private readonly events: EngineEventBus,
    /** called on every change of `isLeader` */
    private readonly onChange: (leading: boolean) => void,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  private get elected(): boolean {
    return Boolean(this.store.capabilities.leaderElection && this.store.acquireLeadership);
  }

  /** Resolves after the first attempt, so a lone engine leads before its workers' first tick. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    if (!this.elected) return this.change(true);
    this.unsubscribe = this.store.onDue?.((signal) => {
      if ('released' in signal && signal.released === this.role && !this.leading) void this.tryNow();
    }) ?? null;
    this.renewTimer = setInterval(() => void this.tryNow(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.renewTimer.unref();
    await this.tryNow();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.renewTimer = this.expiryTimer = null;
    await this.attempt;
    if (!this.elected) return this.change(false);
    this.change(false);
    // also when not leading: an acquire answered after stop began may have taken the role
    try {
      await this.store.releaseLeadership?.(this.role, this.holder);
    } catch (error) {
      // the lease simply runs out
      this.events.emit('worker:error', { workerId: this.holder, error: error as Error, during: `release ${this.role} leadership` });
    }
  }

  /** One acquire-or-renew (calls made while one is in flight share it). */
  tryNow(): Promise<void> {
    this.attempt ??= this.acquire().finally(() => {
      this.attempt = null;
    });
    return this.attempt;
  }

  private async acquire(): Promise<void> {
    if (this.stopped) return;
    const askedAt = Date.now();
    try {
      const lease = await (this.store.acquireLeadership as NonNullable<Store['acquireLeadership']>)(this.role, this.holder, this.ttlMs);
      if (this.stopped) return;
      if (!lease.leader) return this.change(false);
      // the lease ends no sooner than ttl after we asked: step down then unless a renewal lands first
      if (this.expiryTimer) clearTimeout(this.expiryTimer);
      this.expiryTimer = setTimeout(() => this.change(false), Math.max(0, askedAt + this.ttlMs - Date.now()));
      this.expiryTimer.unref();
      this.change(true);
    } catch (error) {
      // unreachable store: keep leading until the expiry timer says the lease may be gone
      this.events.emit('worker:error', { workerId: this.holder, error: error as Error, during: `renew ${this.role} leadership` });
    }
  }

  private change(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.events.emit('leader:changed', { role: this.role, holder: this.holder, leader: leading });
    this.onChange(leading);
  }
}
