import { TaskwrightError } from '../core/errors.js';

/** The run passed its timebox: it fails for good, its running step is aborted and its children cancelled. */
export class RunTimeoutError extends TaskwrightError {
  constructor(timeoutMs: number, where: string) {
    super('run_timeout', `run exceeded its timeout of ${timeoutMs}ms ${where}`, { timeoutMs });
    this.name = 'RunTimeoutError';
  }
}

/** A run that passed its budget with the `cancel` policy: it ends cancelled. */
export class BudgetCancelError extends TaskwrightError {
  constructor(message: string) {
    super('cancel_run', message);
    this.name = 'BudgetCancelError';
  }
}

/**
 * The workflow's code no longer matches the recorded history of the run: a recorded step was not
 * reached, or a new step was reached before a recorded one. Replaying on would silently do
 * something else, so the run stops (non-retryable) with the step named.
 */
export class ReplayDivergenceError extends TaskwrightError {
  constructor(message: string, details: Record<string, unknown>) {
    super('non_retryable', message, { ...details, reason: 'replay_divergence' });
    this.name = 'ReplayDivergenceError';
  }
}
