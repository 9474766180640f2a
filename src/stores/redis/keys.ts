/**
 * The key layout (docs/redis.md). Every key starts with `{prefix}:`, the braces a Redis Cluster
 * hash tag, so all keys of a store live in one slot and every Lua script can touch them together.
 * The scripts derive the other keys from KEYS[1], the meta key; these helpers are the same names
 * for the reads done from TypeScript.
 */
export class Keys {
  readonly base: string;
  readonly meta: string;

  constructor(prefix: string) {
    this.base = `{${prefix}}`;
    this.meta = `${this.base}:meta`;
  }

  job = (id: string): string => `${this.base}:job:${id}`;
  steps = (id: string): string => `${this.base}:steps:${id}`;
  stepGzip = (id: string): string => `${this.base}:stepgz:${id}`;
  logs = (id: string): string => `${this.base}:logs:${id}`;
  events = (name: string): string => `${this.base}:events:${name}`;
  queued = (queue: string): string => `${this.base}:queued:${queue}`;
  workerJobs = (workerId: string): string => `${this.base}:wjobs:${workerId}`;
  breaker = (key: string): string => `${this.base}:breaker:${key}`;
  get limits(): string {
    return `${this.base}:limits`;
  }
  get paused(): string {
    return `${this.base}:paused`;
  }
  get breakers(): string {
    return `${this.base}:breakers`;
  }
  get ids(): string {
    return `${this.base}:ids`;
  }
  get counts(): string {
    return `${this.base}:counts`;
  }
  get scheduled(): string {
    return `${this.base}:scheduled`;
  }
  get feed(): string {
    return `${this.base}:feed`;
  }
  get workers(): string {
    return `${this.base}:workers`;
  }
  get workerStates(): string {
    return `${this.base}:worker-state`;
  }
  get workerBeats(): string {
    return `${this.base}:worker-beats`;
  }
  get wakeChannel(): string {
    return `${this.base}:wake`;
  }
  get cancelChannel(): string {
    return `${this.base}:cancel`;
  }
  get releasedChannel(): string {
    return `${this.base}:released`;
  }
  /** every key of the store (for tests that remove a store, and `taskwright` tooling) */
  get pattern(): string {
    return `${this.base}:*`;
  }
}
