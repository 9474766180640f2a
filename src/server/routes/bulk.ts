import { z } from 'zod';
import type { Job, JobState } from '../../core/job.js';
import type { Taskwright } from '../../runtime/engine.js';
import { defineRoute, type RouteSpec } from '../route.js';
import { JobListQuery } from '../schemas/jobs.js';

/** The states each bulk action applies to; jobs of the filter in other states are counted as skipped. */
const ACTS_ON: Record<'retry' | 'cancel', readonly JobState[]> = {
  retry: ['failed', 'dead', 'cancelled'],
  cancel: ['scheduled', 'queued', 'running'],
};
/** One call touches at most this many jobs; the answer says when more matched (call again). */
const MAX_JOBS = 10_000;
const PAGE = 500;

const Filter = JobListQuery.pick({ state: true, queue: true, name: true, tag: true }).strict();

/** Retry or cancel every job that matches a filter (the dashboard's bulk actions). */
export function bulkRoutes(engine: Taskwright): RouteSpec[] {
  return [
    defineRoute({
      method: 'POST', url: '/api/jobs/bulk', tag: 'jobs', role: 'admin',
      summary: `Retry or cancel every job matching a filter (state, queue, name, tag), up to ${MAX_JOBS} per call; jobs it does not apply to are skipped`,
      body: z.object({ action: z.enum(['retry', 'cancel']), filter: Filter }).strict(),
      responses: { 200: z.object({ action: z.string(), done: z.array(z.string()), skipped: z.number(), more: z.boolean() }) },
      handler: async ({ body }) => {
        const states = body.filter.state ? ACTS_ON[body.action].filter((s) => s === body.filter.state) : ACTS_ON[body.action];
        const done: string[] = [];
        let skipped = 0;
        let seen = 0;
        let more = false;
        // one listing per state, page by page; acting on a page moves its jobs out of the
        // state, so the cursor (ids below the last one seen) keeps the walk exact
        for (const state of states) {
          let before: string | undefined;
          for (;;) {
            const page: Job[] = await engine.listJobs({ ...body.filter, state, limit: PAGE, ...(before !== undefined && { before }) });
            for (const job of page) {
              if (seen === MAX_JOBS) { more = true; break; }
              seen++;
              try {
                await (body.action === 'retry' ? engine.retry(job.id) : engine.cancel(job.id));
                done.push(job.id);
              } catch {
                skipped++; // it changed state since it was listed (finished, or retried elsewhere)
              }
            }
            if (more || page.length < PAGE) break;
            before = (page[page.length - 1] as Job).id;
          }
          if (more) break;
        }
        return { status: 200, body: { action: body.action, done, skipped, more } };
      },
    }),
  ];
}
