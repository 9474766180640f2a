import type { EnqueueOptions } from '../core/options.js';
import { ValidationError, describeValue } from '../core/errors.js';
import { validateJobName } from '../core/options.js';
import type { JobContext } from './context.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobHandler<Payload = any, Result = unknown> = (payload: Payload, ctx: JobContext<Payload>) => Promise<Result> | Result;

/**
 * A handler with its name and the default options applied when this process enqueues it. The
 * defaults are `any` so definitions with different payload types fit in one list.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface JobDefinition<Payload = any, Result = unknown> {
  readonly kind: 'taskwright.job';
  readonly name: string;
  readonly handler: JobHandler<Payload, Result>;
  readonly defaults: EnqueueOptions;
  /** set for workflow definitions: what the runtime's end hooks need to know about the run */
  readonly workflow?: { onError?: string; nodes?: readonly string[]; parents?: Readonly<Record<string, readonly string[]>> };
}

export function defineJob<Payload = unknown, Result = unknown>(
  name: string,
  handler: JobHandler<Payload, Result>,
  defaults: EnqueueOptions = {},
): JobDefinition<Payload, Result> {
  validateJobName(name);
  if (typeof handler !== 'function') {
    throw new ValidationError(`expected the handler of job ${name} to be a function, got ${describeValue(handler)}`);
  }
  return { kind: 'taskwright.job', name, handler, defaults };
}

export function isJobDefinition(value: unknown): value is JobDefinition {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'taskwright.job';
}

export class HandlerRegistry {
  private readonly definitions = new Map<string, JobDefinition>();

  register(definition: JobDefinition): void {
    this.definitions.set(definition.name, definition);
  }

  get(name: string): JobDefinition | undefined {
    return this.definitions.get(name);
  }

  names(): string[] {
    return [...this.definitions.keys()];
  }
}
