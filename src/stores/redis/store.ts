import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { EnqueueResult, Job, JobLogEntry, JobState, NewJob } from '../../core/job.js';
import { siblingModule } from '../../core/module-url.js';
import type { DueSignal, Store, StoreCapabilities, StoreReopenSpec } from '../../store/store.js';
import type {
  FlowChange,
  FlowSnapshot,
  CancelResult,
  CheckpointStats,
  ClaimedJob,
  ClaimRequest,
  ClaimResult,
  FeedEntry,
  FeedPage,
  JobDetails,
  JobFilter,
  LeaderLease,
  LeaderRecord,
  NameStats,
  PruneRequest,
  QueueStats,
  RescuedJob,
  SettleResult,
  Settlement,
  StepRecord,
  StoredEvent,
  StoreHealth,
  WorkerRecord,
} from '../../store/types.js';
import { Connection } from './connection.js';
import { Feed } from './feed.js';
import { breakerChangesFrom, changeKey, flowChangeArgs, readFlow } from './flow.js';
import { Keys } from './keys.js';
import { compileRedisOptions, type CompiledRedisOptions, type RedisOptions } from './options.js';
import { Reads, type StoredStep } from './reads.js';
import { claimedFromReply, enqueueArgs, settlementArgs } from './rows.js';
import { run, type Arg, type Command } from './scripts.js';
import { Wakeups } from './wakeups.js';

/** The key layout version this driver writes (see migrate.lua). */
const LAYOUT_VERSION = 1;
const JOB_ID = /^\d{1,15}$/;

type Reply = string | number | null | Reply[];

/**
 * The Redis store: every state transition is one Lua script (lua/, one file per command), fenced
 * on (job, worker, attempt) like the SQL drivers. Ready jobs wait in a sorted set per queue scored
 * by the order key (priority aging and fairness turns); wake-ups and cancel requests travel by
 * pub/sub; the event feed is a Stream. Key layout and durability: docs/redis.md.
 */
export class RedisStore implements Store {
  readonly driver = 'redis';
  readonly capabilities: StoreCapabilities = {
    crossProcessWakeups: true,
    embedded: false,
    eventFeed: true,
    workerRegistry: true,
    leaderElection: true,
    flowControl: true,
  };
  readonly options: CompiledRedisOptions;
  readonly keys: Keys;
  private readonly connection: Connection;
  private readonly reads: Reads;
  private readonly feed: Feed;
  private readonly wakeups: Wakeups;

  constructor(options: RedisOptions | string) {
    this.options = compileRedisOptions(options);
    this.keys = new Keys(this.options.prefix);
    this.connection = new Connection(this.options);
    this.reads = new Reads(this.connection.client, this.keys);
    this.feed = new Feed(this.connection.client, this.keys);
    this.wakeups = new Wakeups(this.connection, this.keys);
  }

  /** The ioredis client (for tests and tooling; the store's own writes go through scripts). */
  get client() {
    return this.connection.client;
  }

  private async call<T>(command: Command, args: readonly Arg[]): Promise<T> {
    await this.connection.ready();
    return run<T>(this.connection.client, command, this.keys.meta, args);
  }

  private async ready(): Promise<Reads> {
    await this.connection.ready();
    return this.reads;
  }

  async migrate(): Promise<void> {
    await this.call('migrate', [LAYOUT_VERSION]);
  }

  async close(): Promise<void> {
    await this.wakeups.close();
    await this.connection.close();
  }

  async checkHealth(): Promise<StoreHealth> {
    await this.connection.ready();
    const layout = Number((await this.connection.client.hget(this.keys.meta, 'layout')) ?? 0);
    return { pendingMigrations: layout >= LAYOUT_VERSION ? 0 : 1 };
  }

  // --- producer

  async enqueue(jobs: readonly NewJob[], now: number): Promise<EnqueueResult[]> {
    if (jobs.length === 0) return [];
    const args: Arg[] = [now, jobs.length];
    for (const job of jobs) enqueueArgs(job, args);
    const flat = await this.call<(string | number)[]>('enqueue', args);
    const results: EnqueueResult[] = [];
    for (let i = 0; i < flat.length; i += 3) results.push({ id: String(flat[i]), state: flat[i + 1] as JobState, deduplicated: flat[i + 2] === 1 });
    if (results.some((r) => r.state === 'queued' && !r.deduplicated)) this.wakeups.signal();
    return results;
  }

  // --- worker hot path

  private claimArgs(request: ClaimRequest): Arg[] {
    const tags = request.workerTags?.length ? JSON.stringify(request.workerTags) : '';
    return [request.workerId, request.limit, request.leaseMs, request.now, tags, ...request.queues];
  }

  /** Claimed jobs whose checkpoint is gzip bytes get them with one binary read (string replies would mangle them). */
  private async claimResult(flat: Reply[], nextDue: Reply, changes: Reply): Promise<ClaimResult> {
    const gzipped: ClaimedJob[] = [];
    const jobs = claimedFromReply(flat as (string | number | null)[], gzipped);
    for (const job of gzipped) {
      const bytes = await this.connection.client.hgetBuffer(this.keys.stepGzip(job.id), '$checkpoint');
      if (bytes && job.checkpoint) job.checkpoint = { token: job.checkpoint.token, data: new Uint8Array(bytes), encoding: 'gzip' };
    }
    const result: ClaimResult = { jobs, nextDueAt: nextDue === null ? null : Number(nextDue) };
    const breakerChanges = breakerChangesFrom(changes);
    if (breakerChanges.length) result.breakerChanges = breakerChanges;
    return result;
  }

  private settleResult(applied: string[], cancelled: string[], changes: Reply): SettleResult {
    const breakerChanges = breakerChangesFrom(changes);
    return breakerChanges.length ? { applied, cancelled, breakerChanges } : { applied, cancelled };
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    if (request.limit <= 0 || request.queues.length === 0) return { jobs: [], nextDueAt: null };
    const [flat, nextDue, changes] = await this.call<[Reply[], Reply, Reply]>('claim', this.claimArgs(request));
    return this.claimResult(flat, nextDue, changes);
  }

  private settleArgs(settlements: readonly Settlement[], now: number): Arg[] {
    const args: Arg[] = [now, settlements.length];
    for (const s of settlements) settlementArgs(s, args);
    return args;
  }

  async settle(settlements: readonly Settlement[], now: number): Promise<SettleResult> {
    if (settlements.length === 0) return { applied: [], cancelled: [] };
    const [applied, cancelled, changes] = await this.call<[string[], string[], Reply]>('settle', this.settleArgs(settlements, now));
    return this.settleResult(applied, cancelled, changes);
  }

  async settleAndClaim(settlements: readonly Settlement[], request: ClaimRequest): Promise<{ settled: SettleResult; claim: ClaimResult }> {
    const args = [...this.settleArgs(settlements, request.now), ...this.claimArgs({ ...request, limit: Math.max(0, request.limit) })];
    const [applied, cancelled, settleChanges, flat, nextDue, claimChanges] = await this.call<[string[], string[], Reply, Reply[], Reply, Reply]>(
      'settle-and-claim',
      args,
    );
    return { settled: this.settleResult(applied, cancelled, settleChanges), claim: await this.claimResult(flat, nextDue, claimChanges) };
  }

  extendLeases(workerId: string, leaseMs: number, now: number): Promise<number> {
    return this.call<number>('extend-leases', [workerId, leaseMs, now]);
  }

  async runningJobIds(workerId: string): Promise<string[]> {
    await this.connection.ready();
    const ids = await this.connection.client.smembers(this.keys.workerJobs(workerId));
    return ids.sort((a, b) => Number(a) - Number(b));
  }

  cancellationRequests(workerId: string): Promise<string[]> {
    return this.call<string[]>('cancellation-requests', [workerId]);
  }

  async saveProgress(jobId: string, workerId: string, attempt: number, progressJson: string, now: number): Promise<boolean> {
    if (!JOB_ID.test(jobId)) return false;
    return (await this.call<number>('save-progress', [jobId, workerId, attempt, progressJson, now])) === 1;
  }

  async appendLogs(entries: readonly JobLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.connection.ready();
    const multi = this.connection.client.multi();
    for (const e of entries) {
      if (!JOB_ID.test(e.jobId)) continue;
      const entry: JobLogEntry = { jobId: e.jobId, attempt: e.attempt, at: e.at, level: e.level, message: e.message, fields: e.fields };
      if (e.stepId !== undefined) entry.stepId = e.stepId;
      multi.rpush(this.keys.logs(e.jobId), JSON.stringify(entry));
    }
    await multi.exec();
  }

  async saveStep(jobId: string, workerId: string, attempt: number, step: StepRecord): Promise<boolean> {
    if (!JOB_ID.test(jobId)) return false;
    const stored: StoredStep = {
      seq: step.seq,
      status: step.status,
      outputJson: step.outputJson,
      error: step.error,
      attempts: step.attempts,
      startedAt: step.startedAt,
      finishedAt: step.finishedAt,
      usage: step.usage,
    };
    if (step.inputJson !== undefined && step.inputJson !== null) stored.inputJson = step.inputJson;
    if (step.token !== undefined && step.token !== null) stored.token = step.token;
    const gzip = step.outputGzip ? Buffer.from(step.outputGzip) : '';
    return (await this.call<number>('save-step', [jobId, workerId, attempt, step.stepId, JSON.stringify(stored), gzip, step.status])) === 1;
  }

  async listSteps(jobId: string): Promise<StepRecord[]> {
    if (!JOB_ID.test(jobId)) return [];
    return (await this.ready()).listSteps(jobId);
  }

  async waitForEvent(jobId: string, workerId: string, attempt: number, stepId: string, event: string): Promise<boolean> {
    if (!JOB_ID.test(jobId)) return false;
    return (await this.call<number>('wait-for-event', [jobId, workerId, attempt, stepId, event])) === 1;
  }

  async sendEvent(name: string, dataJson: string, now: number): Promise<{ event: StoredEvent; woken: number }> {
    const [id, woken] = await this.call<[string, number]>('send-event', [name, dataJson, now]);
    if (woken > 0) this.wakeups.signal();
    return { event: { id, name, dataJson, createdAt: now }, woken };
  }

  async listEvents(name: string, since: number, limit: number): Promise<StoredEvent[]> {
    return (await this.ready()).listEvents(name, since, limit);
  }

  // --- maintenance

  async rescueExpired(now: number, limit: number): Promise<RescuedJob[]> {
    const flat = await this.call<(string | number)[]>('rescue-expired', [now, limit]);
    const rescued: RescuedJob[] = [];
    for (let i = 0; i < flat.length; i += 5) {
      rescued.push({ id: String(flat[i]), name: String(flat[i + 1]), queue: String(flat[i + 2]), attempt: Number(flat[i + 3]), to: flat[i + 4] as JobState });
    }
    if (rescued.some((r) => r.to === 'queued')) this.wakeups.signal();
    return rescued;
  }

  async prune(request: PruneRequest): Promise<{ jobs: number }> {
    const jobs = await this.call<number>('prune', [request.completedBefore, request.failedBefore, request.idempotencyBefore, request.limit]);
    return { jobs };
  }

  // --- flow control

  async controlFlow(change: FlowChange, now: number): Promise<void> {
    const status = await this.call<string>('control-flow', flowChangeArgs(change, now));
    if (status === 'not_found') {
      const what = change.type === 'deleteLimit' ? 'limit' : 'breaker';
      throw new NotFoundError(`no ${what} with key ${JSON.stringify(changeKey(change))}`, { key: changeKey(change) });
    }
    if (change.type === 'resumeQueue' || change.type === 'resetBreaker') this.wakeups.signal();
  }

  async readFlow(): Promise<FlowSnapshot> {
    await this.connection.ready();
    return readFlow(this.connection.client, this.keys);
  }

  async queueDepth(queues: readonly string[]): Promise<number> {
    if (queues.length === 0) return 0;
    await this.connection.ready();
    const pipeline = this.connection.client.pipeline();
    for (const queue of queues) pipeline.zcard(this.keys.queued(queue));
    return ((await pipeline.exec()) ?? []).reduce((sum, [, n]) => sum + Number(n ?? 0), 0);
  }

  // --- worker registry

  async saveWorker(worker: WorkerRecord): Promise<void> {
    await this.call('save-worker', [worker.id, JSON.stringify(worker), worker.state, worker.heartbeatAt]);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    await this.connection.ready();
    const client = this.connection.client;
    const [records, states, beats] = await Promise.all([client.hgetall(this.keys.workers), client.hgetall(this.keys.workerStates), client.hgetall(this.keys.workerBeats)]);
    return Object.entries(records)
      .map(([id, raw]) => {
        const record = JSON.parse(raw) as WorkerRecord;
        return { ...record, state: (states[id] ?? record.state) as WorkerRecord['state'], heartbeatAt: Number(beats[id] ?? record.heartbeatAt) };
      })
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  reapWorkers(now: number, forgetBefore: number): Promise<string[]> {
    return this.call<string[]>('reap-workers', [now, forgetBefore]);
  }

  // --- leader election (on the Redis server's clock)

  async acquireLeadership(role: string, holder: string, ttlMs: number): Promise<LeaderLease> {
    const [leader, who, expires] = await this.call<[number, string | null, string | null]>('acquire-leadership', [role, holder, ttlMs]);
    return { role, leader: leader === 1, holder: who, expiresAt: expires === null ? null : Number(expires) };
  }

  async releaseLeadership(role: string, holder: string): Promise<void> {
    await this.call('release-leadership', [role, holder]);
  }

  async listLeaders(): Promise<LeaderRecord[]> {
    const [now, ...flat] = await this.call<[number, ...string[]]>('list-leaders', []);
    const leaders: LeaderRecord[] = [];
    for (let i = 0; i < flat.length; i += 4) {
      const expiresAt = Number(flat[i + 2]);
      leaders.push({ role: flat[i] as string, holder: flat[i + 1] as string, expiresAt, acquiredAt: Number(flat[i + 3]), live: expiresAt > now, remainingMs: Math.max(0, expiresAt - now) });
    }
    return leaders.sort((a, b) => a.role.localeCompare(b.role));
  }

  onDue(listener: (signal: DueSignal) => void): () => void {
    return this.wakeups.onDue(listener);
  }

  // --- control

  private async loadJob(jobId: string): Promise<Job> {
    const job = await this.reads.getJob(jobId);
    if (!job) throw new NotFoundError(`no job with id ${JSON.stringify(jobId)}`, { jobId });
    return job;
  }

  async cancel(jobId: string, now: number): Promise<CancelResult> {
    if (!JOB_ID.test(jobId)) throw new NotFoundError(`no job with id ${JSON.stringify(jobId)}`, { jobId });
    const [outcome, state] = await this.call<[string, string | null]>('cancel', [jobId, now]);
    if (outcome === 'missing') throw new NotFoundError(`no job with id ${JSON.stringify(jobId)}`, { jobId });
    if (outcome === 'finished') throw new ConflictError(`cannot cancel job ${jobId}: it is already ${state ?? '?'}`, { jobId, state });
    return { job: await this.loadJob(jobId), requested: outcome === 'requested' };
  }

  /** Runs requeue.lua and turns its refusals into the contract's errors. */
  private async requeue(ids: readonly string[] | 'all', allowed: string, reason: string, now: number, expected: string): Promise<string[]> {
    for (const id of ids === 'all' ? [] : ids) if (!JOB_ID.test(id)) throw new NotFoundError(`no job with id ${JSON.stringify(id)}`, { jobId: id });
    const reply = await this.call<string[]>('requeue', [now, reason, allowed, ids === 'all' ? 'all' : '', ...(ids === 'all' ? [] : ids)]);
    const [status, id, state] = reply;
    if (status === 'missing') throw new NotFoundError(`no job with id ${JSON.stringify(id)}`, { jobId: id });
    if (status === 'conflict') throw new ConflictError(`cannot ${expected.split(':')[0]} job ${id as string}: it is ${state as string}, expected ${expected.split(':')[1]}`, { jobId: id, state });
    if (reply.length > 1) this.wakeups.signal();
    return reply.slice(1);
  }

  async retry(jobId: string, now: number): Promise<Job> {
    await this.requeue([jobId], 'failed,dead,cancelled', 'retried by request', now, 'retry:failed, dead or cancelled');
    return this.loadJob(jobId);
  }

  redrive(ids: readonly string[] | 'all', now: number): Promise<string[]> {
    return this.requeue(ids, 'dead', 'redriven from the dead-letter queue', now, 'redrive:dead');
  }

  async setBudget(jobId: string, budgetJson: string | null, now: number): Promise<Job> {
    if (!JOB_ID.test(jobId)) throw new NotFoundError(`no job with id ${JSON.stringify(jobId)}`, { jobId });
    const [status, state] = await this.call<[string, string?]>('set-budget', [jobId, budgetJson ?? '', now]);
    if (status === 'missing') throw new NotFoundError(`no job with id ${JSON.stringify(jobId)}`, { jobId });
    if (status === 'finished') throw new ConflictError(`cannot change the budget of job ${jobId}: it is already ${state ?? '?'}`, { jobId, state });
    return this.loadJob(jobId);
  }

  // --- reads

  async getJob(jobId: string): Promise<Job | null> {
    return (await this.ready()).getJob(jobId);
  }

  async getJobDetails(jobId: string): Promise<JobDetails | null> {
    return (await this.ready()).getJobDetails(jobId);
  }

  async listJobs(filter: JobFilter): Promise<Job[]> {
    return (await this.ready()).listJobs(filter);
  }

  async stats(now: number): Promise<QueueStats[]> {
    return (await this.ready()).stats(now);
  }

  async checkpointStats(): Promise<CheckpointStats> {
    return (await this.ready()).checkpointStats();
  }

  async statsByName(filter?: { tag?: string }): Promise<NameStats[]> {
    return (await this.ready()).statsByName(filter);
  }

  async pendingCount(): Promise<number> {
    return (await this.ready()).pendingCount();
  }

  // --- event feed

  async appendFeed(entries: readonly FeedEntry[]): Promise<void> {
    await this.connection.ready();
    await this.feed.append(entries);
    if (entries.length) this.wakeups.signal();
  }

  async readFeed(after: string | null, limit: number): Promise<FeedPage> {
    await this.connection.ready();
    return this.feed.read(after, limit);
  }

  async trimFeed(before: number, limit: number): Promise<number> {
    await this.connection.ready();
    return this.feed.trim(before, limit);
  }

  onWake(listener: () => void): () => void {
    return this.wakeups.onWake(listener);
  }

  reopenSpec(): StoreReopenSpec | null {
    return {
      module: siblingModule(import.meta.url, 'index').href,
      exportName: 'redisStore',
      options: { url: this.options.url, prefix: this.options.prefix, connectTimeoutMs: this.options.connectTimeoutMs },
    };
  }
}
