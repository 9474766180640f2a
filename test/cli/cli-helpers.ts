// Runs the built CLI (dist/cli/main.js) as a real child process against a private store.
import { spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'dist/cli/main.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
}

/** Runs `taskwright ...args` with no --store added: for tests of how the store is chosen. */
export function runCli(args: string[], options: RunOptions = {}): Run {
  const env = { ...process.env, TASKWRIGHT_STORE: undefined, ...options.env };
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    input: options.input,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A temporary directory with its own store; every command gets `--store sqlite:<dir>/tw.db`. */
export class CliSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'tw-cli-'));
  readonly store = `sqlite:${join(this.dir, 'tw.db')}`;

  run(...args: string[]): Run {
    return runCli(['--store', this.store, ...args]);
  }

  runWith(options: RunOptions, ...args: string[]): Run {
    return runCli(['--store', this.store, ...args], options);
  }

  json<T>(...args: string[]): T {
    const result = this.run('--json', ...args);
    if (result.code !== 0) throw new Error(`taskwright ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  /** Starts a long-running command (a worker); resolves `started` on its first stdout line. */
  spawn(...args: string[]) {
    const child = spawn(process.execPath, [MAIN, '--store', this.store, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const started = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('started')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before starting: ${stderr}`)));
    });
    started.catch(() => {}); // commands that never print "started" just exit
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, started, exited, output: () => ({ stdout, stderr }) };
  }

  /** How many jobs the store holds, read straight from the file (cheaper than a CLI run per check). */
  jobCount(): number {
    const db = new Database(join(this.dir, 'tw.db'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM tw_jobs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** An expected error: exactly one line on stderr, no stack trace, nothing on stdout. */
export function assertOneLineError(result: Run, code: number, message: RegExp): void {
  const context = `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  if (result.code !== code) throw new Error(`expected exit ${code}, got ${context}`);
  const lines = result.stderr.trimEnd().split('\n');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${context}`);
  if (!message.test(lines[0] as string)) throw new Error(`expected stderr to match ${message}, got ${context}`);
  if (!(lines[0] as string).startsWith('taskwright: ')) throw new Error(`expected the line to start with "taskwright: ", got ${context}`);
  if (result.stdout !== '') throw new Error(`expected nothing on stdout, got ${context}`);
}
