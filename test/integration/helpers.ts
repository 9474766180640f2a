// Shared harness for the multi-process integration tests: a temp directory, one fresh store (a
// SQLite file, or a PostgreSQL schema when TW_TEST_STORE=postgres; see test/support/test-store.ts),
// worker processes (test/fixtures/worker.mjs) that append JSON lines to a record file each, and
// the test's own engine on the same store. `cleanup()` SIGKILLs whatever child is still alive.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Taskwright, type Job, type WorkerOptions } from '../../dist/index.js';
import { StorePlace, openSpec, type StoreSpec, type TestDriver } from '../support/test-store.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/worker.mjs', import.meta.url));

/** One line of a worker's record file. */
export interface Rec {
  event: string;
  label: string;
  pid: number;
  t: number;
  id?: string;
  attempt?: number;
  step?: number;
  token?: string;
  to?: string;
  code?: number;
  afterMs?: number;
  resume?: { token: string; next: number; done: number[]; padLength: number } | null;
  reason?: { code: string | null; name: string | null; message: string };
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export class WorkerProcess {
  readonly exited: Promise<Exit>;
  private stderr = '';
  private stdout = '';
  private exit: Exit | null = null;

  constructor(
    readonly label: string,
    readonly recordFile: string,
    readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get alive(): boolean {
    return this.exit === null;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Every complete line recorded so far. */
  records(): Rec[] {
    if (!existsSync(this.recordFile)) return [];
    const text = readFileSync(this.recordFile, 'utf8');
    const lines = text.split('\n');
    lines.pop(); // the last element is '' or a line still being written
    return lines.map((line) => JSON.parse(line) as Rec);
  }

  events(event: string, id?: string): Rec[] {
    return this.records().filter((r) => r.event === event && (id === undefined || r.id === id));
  }

  /** Waits for the first record matching `match`; the error names the process and shows its output. */
  async waitFor(match: (r: Rec) => boolean, timeoutMs: number, what: string): Promise<Rec> {
    try {
      return await waitUntil(() => this.records().find(match), timeoutMs, `${this.label}: ${what}`);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.diagnostics()}`);
    }
  }

  waitForEvent(event: string, timeoutMs: number, id?: string): Promise<Rec> {
    return this.waitFor((r) => r.event === event && (id === undefined || r.id === id), timeoutMs, `event ${event}${id ? ` of job ${id}` : ''}`);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /** Waits for the process to exit; throws (with diagnostics) if it does not within `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    const exit = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (!exit) throw new Error(`${this.label} (pid ${this.pid}) did not exit within ${timeoutMs}ms\n${this.diagnostics()}`);
    return exit;
  }

  diagnostics(): string {
    const tail = this.records()
      .slice(-20)
      .map((r) => JSON.stringify(r))
      .join('\n  ');
    return `--- ${this.label} pid ${this.pid} exit ${JSON.stringify(this.exit)}\n  records (last 20):\n  ${tail}\n  stderr: ${this.stderr.slice(-2000)}\n  stdout: ${this.stdout.slice(-500)}`;
  }
}

export interface SpawnOptions {
  worker?: WorkerOptions;
  sleepCapMs?: number;
  /** the process engine's leader lease (TaskwrightOptions.leaderLease) */
  leaderLease?: string;
}

/** A temp directory with one store, the worker processes on it and test-side engines. */
export class Harness {
  readonly dir: string;
  readonly store: StoreSpec;
  private readonly place: StorePlace;
  private readonly processes: WorkerProcess[] = [];
  private readonly engines: Taskwright[] = [];

  /** `driver` and `pgUrl` pin the store (default: TW_TEST_STORE and the test server). */
  constructor(name: string, driver?: TestDriver, pgUrl?: string) {
    this.place = new StorePlace(`it-${name}`, driver, pgUrl);
    this.dir = this.place.dir;
    this.store = this.place.fresh();
  }

  /** The test's own engine on the same store: a separate connection, like another process. */
  engine(options: { leaderLease?: string } = {}): Taskwright {
    const tw = new Taskwright({ store: openSpec(this.store), ...options });
    this.engines.push(tw);
    return tw;
  }

  spawn(label: string, options: SpawnOptions = {}): WorkerProcess {
    const recordFile = join(this.dir, `${label}.jsonl`);
    const config = { store: this.store, record: recordFile, label, worker: options.worker ?? {}, sleepCapMs: options.sleepCapMs, leaderLease: options.leaderLease };
    const child = spawn(process.execPath, [FIXTURE, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new WorkerProcess(label, recordFile, child);
    this.processes.push(proc);
    return proc;
  }

  /** Spawns a worker process and waits until its worker has started. */
  async start(label: string, options: SpawnOptions = {}, timeoutMs = 10_000): Promise<WorkerProcess> {
    const proc = this.spawn(label, options);
    await Promise.race([
      proc.waitForEvent('ready', timeoutMs),
      proc.exited.then((exit) => {
        throw new Error(`${label} exited before it was ready: ${JSON.stringify(exit)}\n${proc.diagnostics()}`);
      }),
    ]);
    return proc;
  }

  diagnostics(): string {
    return this.processes.map((p) => p.diagnostics()).join('\n');
  }

  /** SIGKILLs every child still alive (only ours, by pid), closes engines, removes the directory and the store. */
  async cleanup(): Promise<void> {
    for (const proc of this.processes) proc.kill('SIGKILL');
    await Promise.all(this.processes.map((p) => p.waitExit(5000).catch(() => undefined)));
    for (const tw of this.engines) await tw.store.close().catch(() => undefined);
    await this.place.cleanup();
  }
}

/** The job's transitions as `from>to@attempt` strings, e.g. `running>queued@0`. */
export async function transitions(tw: Taskwright, id: string): Promise<string[]> {
  const details = await tw.getJobDetails(id);
  return details.transitions.map((t) => `${t.from ?? ''}>${t.to}@${t.attempt}`);
}

export async function waitForState(tw: Taskwright, id: string, state: Job['state'], timeoutMs: number): Promise<Job> {
  let last: Job | undefined;
  try {
    return await waitUntil(
      async () => {
        last = await tw.getJob(id);
        return last.state === state ? last : undefined;
      },
      timeoutMs,
      `job ${id} to be ${state}`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last && { state: last.state, attempt: last.attempt, error: last.error })}`);
  }
}
