// Runs the built CLI (dist/cli/main.js) as a real child process against a private store.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class CliSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'tw-cli-'));
  readonly store = `sqlite:${join(this.dir, 'tw.db')}`;

  run(...args: string[]): Run {
    const result = spawnSync(process.execPath, [MAIN, '--store', this.store, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
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
    started.catch(() => {}); // commands that never print "started" (dev) just exit
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, started, exited, output: () => ({ stdout, stderr }) };
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
