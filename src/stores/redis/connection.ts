import { Redis } from 'ioredis';
import { StoreError } from '../../core/errors.js';
import { redactRedisUrl, type CompiledRedisOptions } from './options.js';

/**
 * A client that connects on first use. The first connection either succeeds or fails with an
 * error naming the URL (nothing listening, a wrong password, a port that does not speak Redis);
 * once it has succeeded the client reconnects forever and commands wait for it, so a Redis
 * restart pauses the workers instead of failing their jobs.
 */
export class Connection {
  readonly client: Redis;
  private connected = false;
  private opening: Promise<void> | null = null;
  /** the socket error behind a failed first connection (connect() itself only says it closed) */
  private lastError: Error | null = null;

  constructor(private readonly options: CompiledRedisOptions) {
    this.client = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      connectTimeout: options.connectTimeoutMs,
      retryStrategy: (times) => (this.connected ? Math.min(50 * times, 1000) : null),
    });
    // errors of a reconnecting client are reported through the commands that wait for it
    this.client.on('error', (error: Error) => (this.lastError = error));
  }

  /** Connects (once) and proves the server speaks Redis. */
  ready(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = null;
      throw error;
    });
    return this.opening;
  }

  private async open(): Promise<void> {
    const where = redactRedisUrl(this.options.url);
    const timeout = new Promise<never>((_, reject) => {
      const timer = setTimeout(
        () => reject(new StoreError(`cannot reach Redis at ${where}: no Redis answer within ${this.options.connectTimeoutMs} ms (is it a Redis port?)`)),
        this.options.connectTimeoutMs,
      );
      timer.unref();
      // the first connection is never retried: once it ends, fail with the error behind it
      this.client.once('end', () => reject(this.lastError ?? new Error('Connection is closed.')));
    });
    try {
      if (this.client.status === 'wait' || this.client.status === 'end') await Promise.race([this.client.connect(), timeout]);
      const pong = await Promise.race([this.client.ping(), timeout]);
      if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
      this.connected = true;
    } catch (error) {
      this.client.disconnect();
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot reach Redis at ${where}: ${describeFailure(this.lastError ?? error)}`);
    }
  }

  /** A second client on the same server (pub/sub needs its own connection). */
  duplicate(): Redis {
    const client = this.client.duplicate({ lazyConnect: false, retryStrategy: (times: number) => Math.min(50 * times, 1000) });
    client.on('error', () => undefined);
    return client;
  }

  async close(): Promise<void> {
    if (this.client.status === 'wait' || this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(message)) return `authentication failed (${message}); check the password in the URL`;
  if (/ECONNREFUSED/.test(message)) return `nothing is listening there (${message})`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return `the host name does not resolve (${message})`;
  if (/Unknown RESP type|Protocol error/i.test(message)) return `the server answered in a protocol other than Redis's; is it a Redis port? (${message})`;
  if (/Connection is closed|ECONNRESET/i.test(message)) return `the server closed the connection without a Redis answer; is it a Redis port? (${message})`;
  return message;
}
