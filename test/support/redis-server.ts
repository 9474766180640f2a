// A private redis-server for one test (its own port, directory and settings, e.g. AOF or a
// password), started from the redis-server binary on PATH and stopped by the test. The shared
// server stays untouched, so a test may restart or kill its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A TCP port nothing listens on right now (the OS picks it; we close it again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PrivateRedisOptions {
  /** redis-server arguments beyond port and dir, e.g. ['--appendonly', 'yes'] */
  args?: string[];
  password?: string;
}

export class PrivateRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'tw-redis-'));
  private child: ChildProcess | null = null;
  port = 0;

  constructor(private readonly options: PrivateRedisOptions = {}) {}

  get url(): string {
    const auth = this.options.password === undefined ? '' : `:${encodeURIComponent(this.options.password)}@`;
    return `redis://${auth}127.0.0.1:${this.port}/0`;
  }

  /** Starts the server (on the same port and directory when restarted) and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', ...(this.options.args ?? [])];
    if (this.options.password !== undefined) args.push('--requirepass', this.options.password);
    const child = (this.child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] }));
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr}`);
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        // a server still loading its AOF answers LOADING
        if ((await client.ping()) === 'PONG') return;
      } catch {
        // not up yet
      } finally {
        client.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer within 10 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server: SIGTERM (AOF flushed) or SIGKILL (a crash). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
