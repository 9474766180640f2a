import { Worker as Thread } from 'node:worker_threads';
import { TaskwrightError, ValidationError, describeValue } from '../../core/errors.js';
import { siblingModule } from '../../core/module-url.js';
import type { NodeInput } from './execute.js';

export interface SandboxLimits {
  timeoutMs: number;
  memoryMb: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { timeoutMs: 5000, memoryMb: 64 };

/** The code node ran over a limit or threw; `details.reason` is timeout, memory or error. */
export class SandboxError extends TaskwrightError {
  constructor(message: string, reason: 'timeout' | 'memory' | 'error') {
    super('sandbox_error', message, { reason });
    this.name = 'SandboxError';
  }
}

function checkLimits(limits: Partial<SandboxLimits>): SandboxLimits {
  const merged = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  for (const key of ['timeoutMs', 'memoryMb'] as const) {
    if (!Number.isInteger(merged[key]) || merged[key] < 1) throw new ValidationError(`expected ${key} to be a positive integer, got ${describeValue(merged[key])}`);
  }
  return merged;
}

/**
 * Runs user JavaScript (the body of an async function that sees `input`) in a worker thread with
 * an empty environment, a heap limit and a time limit; the thread is terminated when it passes either.
 */
export function runCodeInSandbox(source: string, input: unknown, limits: Partial<SandboxLimits> = {}, signal?: AbortSignal): Promise<unknown> {
  if (typeof source !== 'string' || source.trim() === '') throw new ValidationError(`expected code to be a non-empty string, got ${describeValue(source)}`);
  const { timeoutMs, memoryMb } = checkLimits(limits);
  return new Promise((resolve, reject) => {
    const thread = new Thread(siblingModule(import.meta.url, 'code-sandbox-thread'), {
      workerData: { source, inputJson: JSON.stringify(input ?? null) },
      env: {},
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(1, Math.min(16, Math.floor(memoryMb / 4))), codeRangeSizeMb: 16 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void thread.terminate();
      action();
    };
    const timer = setTimeout(() => finish(() => reject(new SandboxError(`code node exceeded its time limit of ${timeoutMs}ms`, 'timeout'))), timeoutMs);
    // a cancelled run stops its code at once (the thread is terminated)
    const onAbort = (): void => finish(() => reject(signal?.reason ?? new SandboxError('code node aborted', 'error')));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    thread.once('message', (m: { ok: boolean; json?: string | null; message?: string }) =>
      finish(() => (m.ok ? resolve(m.json == null ? null : JSON.parse(m.json)) : reject(new SandboxError(`code node failed: ${m.message}`, 'error')))),
    );
    thread.once('error', (error: Error & { code?: string }) =>
      finish(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new SandboxError(`code node exceeded its memory limit of ${memoryMb} MB`, 'memory')
            : new SandboxError(`code node failed: ${error.message}`, 'error'),
        ),
      ),
    );
    thread.once('exit', (code) => finish(() => reject(new SandboxError(`code node stopped (exit code ${code}) without a result`, 'error'))));
  });
}

/** code node: `source` sees `input` ({ input, parents }) and returns the node's output. */
export function codeNode(source: string, limits: Partial<SandboxLimits> = {}) {
  checkLimits(limits);
  return (args: NodeInput): Promise<unknown> => runCodeInSandbox(source, { input: args.input, parents: args.parents }, limits, args.signal);
}
