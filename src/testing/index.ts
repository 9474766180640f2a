import type { Clock } from '../core/clock.js';
import { parseDuration, type Duration } from '../core/duration.js';
import { sqliteStore } from '../stores/sqlite/index.js';
import { Taskwright, type TaskwrightOptions } from '../runtime/engine.js';

/** A clock tests move by hand: `clock.advance('5m')`. */
export class FakeClock implements Clock {
  constructor(private current = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.current;
  }

  /** Move time forward by a duration: milliseconds, `'5m'`, `'1h30m'` or ISO 8601 `'PT5M'`. */
  advance(by: Duration): void {
    this.current += parseDuration(by, 'advance');
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
