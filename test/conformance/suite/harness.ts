// Shared pieces of the Store conformance suite: how a test gets a fresh store, fixed times, job
// builders and small helpers for claiming and settling. Nothing here knows which driver runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileJobOptions, type EnqueueOptions } from '../../../dist/core/options.js';
import type { NewJob } from '../../../dist/core/job.js';
import type { Store } from '../../../dist/store/store.js';
import { checkpointRecord } from '../../../dist/store/journal.js';
import type { ClaimedJob, ClaimRequest, ClaimResult, JobError, Outcome, Settlement, StoredCheckpoint } from '../../../dist/store/types.js';

/** Options a driver runner may pass besides `createStore` and `cleanup`. */
export interface ConformanceOptions {
  /**
   * A second, independent handle on the same data as `store`, as another process would open it
   * (another connection, client or file handle). Enables the cross-handle tests: wake-ups from
   * another process and claims racing over two connections. Leave it out when impossible.
   */
  openSecond?: (store: Store) => Promise<Store>;
  /**
   * Tests this driver is known to fail, by test name, each with the reason (the driver bug). They
   * still run, reported as `todo`, so a fix shows up as a passing todo. Names that match no test
   * are an error, so a renamed test cannot silently drop its mark.
   */
  knownBugs?: Readonly<Record<string, string>>;
}

export interface SuiteContext {
  driverName: string;
  createStore: () => Promise<Store>;
  cleanup: ((store: Store) => Promise<void> | void) | undefined;
  options: ConformanceOptions;
  /** names of the tests defined so far (to check `knownBugs` against) */
  names: Set<string>;
}

/** A test body: a fresh, migrated store, and a way to open a second handle on it (when the driver can). */
export type Body = (store: Store, tools: { openSecond: (() => Promise<Store>) | null; skip: (reason: string) => void }) => Promise<void>;

/** The fixed start of time for every test; stores never read the clock, so tests choose it. */
export const T0 = Date.parse('2026-03-01T12:00:00.000Z');
export const SECOND = 1000;
export const DAY = 86_400_000;
/** A long lease, so nothing expires unless a test moves time past it on purpose. */
export const LEASE = 30_000;

/**
 * Defines one test over a fresh store: created, migrated, handed to `body`, then closed (with any
 * second handle) and cleaned up, whether the body passed or not. A test the driver lists in
 * `knownBugs` runs as `todo`.
 */
export function storeTest(ctx: SuiteContext, name: string, body: Body): void {
  assert.ok(!ctx.names.has(name), `two conformance tests are named ${JSON.stringify(name)}`);
  ctx.names.add(name);
  const todo = ctx.options.knownBugs?.[name];
  test(name, todo === undefined ? {} : { todo }, async (t) => {
    const store = await ctx.createStore();
    const seconds: Store[] = [];
    const open = ctx.options.openSecond;
    const openSecond = open
      ? async () => {
          const second = await open(store);
          seconds.push(second);
          await second.migrate();
          return second;
        }
      : null;
    try {
      await store.migrate();
      await body(stagingBeforeClaims(store), { openSecond, skip: (reason) => t.skip(reason) });
    } finally {
      for (const second of seconds) await second.close();
      await store.close();
      await ctx.cleanup?.(store);
    }
  });
}

/**
 * The contract's claims stage due jobs first; a store with `stagedByLeader` leaves that to its
 * elected stager (`stageDue`). The suite plays that stager: each claim here is preceded by a
 * stageDue at the claim's time, so one suite checks every driver's transitions. (stageDue on
 * its own is tested in claim.ts.)
 */
export function stagingBeforeClaims(store: Store): Store {
  if (!store.capabilities.stagedByLeader || !store.stageDue) return store;
  const stageDue = store.stageDue.bind(store);
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'claim') return async (request: ClaimRequest) => (await stageDue(request.now, 10_000), target.claim(request));
      if (key === 'settleAndClaim') {
        return async (settlements: readonly Settlement[], request: ClaimRequest) => (await stageDue(request.now, 10_000), target.settleAndClaim(settlements, request));
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A compiled job, as the runtime hands it to `enqueue`. */
export function job(name = 'work', options: EnqueueOptions = {}, payload: unknown = { n: 1 }, now = T0): NewJob {
  return compileJobOptions(name, payload, options, now);
}

export function jobError(message: string, attempt = 1, at = T0): JobError {
  return { message, attempt, at };
}

export interface ClaimOptions {
  workerId?: string;
  queues?: readonly string[];
  limit?: number;
  leaseMs?: number;
  now?: number;
}

export function claim(store: Store, options: ClaimOptions = {}): Promise<ClaimResult> {
  return store.claim({
    workerId: options.workerId ?? 'w1',
    queues: options.queues ?? ['default'],
    limit: options.limit ?? 100,
    leaseMs: options.leaseMs ?? LEASE,
    now: options.now ?? T0,
  });
}

/** Claims exactly one job (fails the test otherwise). */
export async function claimOne(store: Store, options: ClaimOptions = {}): Promise<ClaimedJob> {
  const { jobs } = await claim(store, { ...options, limit: 1 });
  assert.equal(jobs.length, 1, 'expected exactly one claimable job');
  return jobs[0] as ClaimedJob;
}

/** The settlement of a claimed job by the worker that claimed it (or another, to test the fence). */
export function outcomeOf(claimed: ClaimedJob, outcome: Outcome, workerId = 'w1'): Settlement {
  return { id: claimed.id, workerId, attempt: claimed.attempt, outcome };
}

export const completed = (resultJson: string | null = null): Outcome => ({ type: 'completed', resultJson });

export function checkpoint(token: string, data: unknown, encoding: StoredCheckpoint['encoding'] = 'json'): StoredCheckpoint {
  return { token, data: new Uint8Array(Buffer.from(JSON.stringify(data))), encoding };
}

/**
 * Saves a checkpoint the way the runtime does: as the job's checkpoint record in its step journal
 * (one fenced `saveStep`). False when the worker no longer owns the attempt.
 */
export function saveCheckpoint(store: Store, jobId: string, workerId: string, attempt: number, cp: StoredCheckpoint, now: number): Promise<boolean> {
  return store.saveStep(jobId, workerId, attempt, checkpointRecord(cp, attempt, now));
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** Finds the claimed job of this name (claims return jobs in claim order, not by name). */
export function byName(jobs: readonly ClaimedJob[], name: string): ClaimedJob {
  const found = jobs.find((j) => j.name === name);
  assert.ok(found, `expected a claimed job named ${name}`);
  return found;
}

export const sorted = (ids: readonly string[]): string[] => [...ids].sort();

/** The state of a job, failing the test when it does not exist. */
export async function stateOf(store: Store, id: string): Promise<string> {
  const found = await store.getJob(id);
  assert.ok(found, `expected job ${id} to exist`);
  return found.state;
}

/** Asserts a Taskwright error with this stable code (and class name). */
export async function rejectsWithCode(promise: Promise<unknown>, code: 'conflict' | 'not_found', what: string): Promise<void> {
  const names = { conflict: 'ConflictError', not_found: 'NotFoundError' } as const;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof Error, `${what}: expected an Error, got ${String(error)}`);
    assert.equal((error as { code?: unknown }).code, code, `${what}: error code`);
    assert.equal(error.name, names[code], `${what}: error class`);
    return true;
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
