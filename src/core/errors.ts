/**
 * Every error Taskwright raises carries a stable string `code` so callers (CLI, HTTP, user code)
 * can branch on it, and a message that names the offending value and what was expected.
 */
export class TaskwrightError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Bad input to the API, the CLI or a config file. Nothing was changed. */
export class ValidationError extends TaskwrightError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_input', message, details);
  }
}

export class NotFoundError extends TaskwrightError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('not_found', message, details);
  }
}

/** The request is well formed but the target's current state does not allow it. */
export class ConflictError extends TaskwrightError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, details);
  }
}

export class StoreError extends TaskwrightError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('store_error', message, details);
  }
}

/** Thrown by a handler: the job goes straight to its terminal failure state, no retry. */
export class NonRetryableError extends TaskwrightError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('non_retryable', message, details);
  }
}

/** Thrown by a handler: put the job back to scheduled after `delayMs` without spending an attempt. */
export class SnoozeError extends TaskwrightError {
  readonly delayMs: number;

  constructor(delayMs: number, message = `snoozed for ${delayMs}ms`) {
    super('snoozed', message, { delayMs });
    this.delayMs = delayMs;
  }
}

/** The reason given to `ctx.signal` when a job runs past its timeout. */
export class JobTimeoutError extends TaskwrightError {
  constructor(timeoutMs: number) {
    super('timeout', `job exceeded its timeout of ${timeoutMs}ms`, { timeoutMs });
  }
}

/** The reason given to `ctx.signal` when a job is cancelled while running. */
export class JobCancelledError extends TaskwrightError {
  constructor(jobId: string) {
    super('cancelled', `job ${jobId} was cancelled`, { jobId });
  }
}

/** The reason given to `ctx.signal` when the worker shuts down before the job finished. */
export class ShutdownError extends TaskwrightError {
  constructor() {
    super('shutdown', 'worker is shutting down and released the job');
  }
}

/** Short description of an arbitrary value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
