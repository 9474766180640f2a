import type { Clock } from '../core/clock.js';
import { sqliteStore } from '../stores/sqlite/index.js';
import { Taskwright, type TaskwrightOptions } from '../runtime/engine.js';

/** A clock tests move by hand: `clock.advance('5m')`. */
export class FakeClock implements Clock {
  constructor(private current = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(time: number | Date): void {
    this.current = typeof time === 'number' ? time : time.getTime();
  }
}

/**
 * An engine on a private in-memory SQLite database, for unit tests of user handlers. Use
 * `engine.drain()` to run everything enqueued through the real execution path.
 */
export function createTestEngine(options: Partial<TaskwrightOptions> = {}): Taskwright {
  return new Taskwright({ store: sqliteStore(':memory:'), ...options });
}
