import { z } from 'zod';
import { JOB_STATES } from '../../core/job.js';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'stable code: invalid_input, not_found, conflict, unauthorized, forbidden, payload_too_large, ...' }),
      message: z.string().meta({ description: 'what was wrong, naming the value and what was expected' }),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  })
  .meta({ id: 'Error' });

export const JobStateSchema = z.enum(JOB_STATES);

export const IdParams = z.object({ id: z.string().min(1).max(100).meta({ description: 'job or execution id' }) }).strict();

/** Pages go newest first; `before` is the last id of the previous page (its `nextCursor`). */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'page size (1 to 500, default 50)' }),
  before: z.string().regex(/^[\w.:-]{1,100}$/).optional().meta({ description: 'the nextCursor of the previous page' }),
};

export const NAME = z.string().min(1).max(200).regex(/^[\w.:/-]+$/);

export const JsonValue = z.unknown().meta({ description: 'any JSON value' });

/** Where the next page starts, or null on the last page. */
export function nextCursor<T extends { id: string }>(items: readonly T[], limit: number): string | null {
  return items.length === limit ? (items[items.length - 1] as T).id : null;
}

/** Routes that act on their path alone take no body, or an empty object. */
export const NoBody = z.object({}).strict().optional();
