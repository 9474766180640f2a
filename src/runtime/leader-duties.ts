import { hostname } from 'node:os';
import type { Clock } from '../core/clock.js';
import { parseDuration, type Duration } from '../core/duration.js';
import { ValidationError, describeValue } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { EngineEventBus } from '../telemetry/events.js';
import { Leadership } from './leadership.js';
import { Stager } from './stager.js';

const DEFAULT_LEADER_TTL_MS = 10_000;
const MIN_LEADER_TTL_MS = 300;

/** The engine's `leaderLease` option in ms (default 10 s, at least 300 ms). */
export function leaderLeaseMs(option: Duration | undefined): number {
  const ms = option === undefined ? DEFAULT_LEADER_TTL_MS : parseDuration(option, 'leaderLease');
  if (ms < MIN_LEADER_TTL_MS) throw new ValidationError(`expected leaderLease to be at least ${MIN_LEADER_TTL_MS}ms, got ${describeValue(option)}`);
  return ms;
}

/** What a worker needs of its engine's leader roles (see leader-duties.ts). */
export interface WorkerDuties {
  join(fireSchedules: boolean): Promise<void>;
  leave(fireSchedules: boolean): Promise<void>;
  readonly maintains: boolean;
  readonly schedules: boolean;
}


/**
 * The duties one engine per store performs while it leads: role `stager` (staging due jobs, on
 * stores with `stagedByLeader`, and maintenance: lease rescue, stored timeouts, pruning, worker
 * reaping) and role `scheduler` (firing due schedules). An engine competes for `stager` while any
 * of its workers runs, and for `scheduler` while any of its workers that fire schedules runs, so
 * a leader always has a worker to act through. Followers skip these duties.
 */
export class LeaderDuties implements WorkerDuties {
  readonly holder: string;
  private readonly stagerRole: Leadership;
  private readonly schedulerRole: Leadership;
  private readonly stager: Stager;
  private workers = 0;
  private schedulingWorkers = 0;
  /** start and stop of roles, one at a time */
  private chain: Promise<void> = Promise.resolve();

  constructor(store: Store, clock: Clock, events: EngineEventBus, instanceId: string, ttlMs: number, onSchedulerLead: () => void) {
    this.holder = `${hostname()}/${instanceId}`;
    this.stager = new Stager(store, clock, events, this.holder);
    const staged = Boolean(store.capabilities.stagedByLeader);
    this.stagerRole = new Leadership(store, 'stager', this.holder, ttlMs, events, (leading) => {
      if (!staged) return;
      if (leading) this.stager.start();
      else void this.stager.stop();
    });
    this.schedulerRole = new Leadership(store, 'scheduler', this.holder, ttlMs, events, (leading) => {
      if (leading) onSchedulerLead();
    });
  }

  /** This engine stages due jobs and runs maintenance. */
  get maintains(): boolean {
    return this.stagerRole.isLeader;
  }

  /** This engine fires due schedules. */
  get schedules(): boolean {
    return this.schedulerRole.isLeader;
  }

  /** A worker started (`fireSchedules`: it fires schedules); resolves after the first election attempts. */
  join(fireSchedules: boolean): Promise<void> {
    return this.serially(async () => {
      if (this.workers++ === 0) await this.stagerRole.start();
      if (fireSchedules && this.schedulingWorkers++ === 0) await this.schedulerRole.start();
    });
  }

  /** A worker stopped: the last one gives the roles up (a follower takes them at once). */
  leave(fireSchedules: boolean): Promise<void> {
    return this.serially(async () => {
      if (fireSchedules && --this.schedulingWorkers === 0) await this.schedulerRole.stop();
      if (--this.workers === 0) {
        await this.stagerRole.stop();
        await this.stager.stop();
      }
    });
  }

  private serially(step: () => Promise<void>): Promise<void> {
    const next = this.chain.then(step);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
