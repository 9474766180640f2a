import { NonRetryableError } from '../core/errors.js';
import type { EnqueueOptions } from '../core/options.js';
import { defineJob, type JobDefinition } from '../runtime/handlers.js';

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });

/** Example handlers for `taskwright dev`: each shows one thing the engine does. */
export const devHandlers: JobDefinition[] = [
  defineJob('greet', async (payload: { name: string }, ctx) => {
    await pause(150, ctx.signal);
    return { greeting: `hello, ${payload.name}` };
  }),

  // A multi-step job: it checkpoints after every step, so a crash resumes from the last one.
  defineJob('thumbnails.render', async (payload: { images: number }, ctx) => {
    let done = (ctx.resume?.data as { done: number } | undefined)?.done ?? 0;
    while (done < payload.images) {
      await pause(200, ctx.signal);
      done++;
      await ctx.checkpoint(`image-${done}`, { done });
      await ctx.progress({ done, of: payload.images });
    }
    await ctx.log('all thumbnails rendered', { images: payload.images });
    return { rendered: done };
  }),

  // Fails on its first attempt, then succeeds: retries with exponential backoff.
  defineJob('weather.fetch', async (payload: { city: string }, ctx) => {
    await pause(100, ctx.signal);
    if (ctx.job.attempt === 1) throw new Error(`weather service timed out for ${payload.city}`);
    return { city: payload.city, celsius: 21 };
  }),

  // Bad input is not worth retrying: a NonRetryableError sends the job to the dead-letter queue.
  defineJob('card.charge', async (payload: { cents: number }) => {
    if (payload.cents <= 0) throw new NonRetryableError(`cannot charge ${payload.cents} cents`);
    return { charged: payload.cents };
  }),
];

export interface DevJob {
  name: string;
  payload: unknown;
  options?: EnqueueOptions;
  /** what this example shows, printed before the run */
  shows: string;
}

export const devJobs: DevJob[] = [
  { name: 'greet', payload: { name: 'Ada' }, shows: 'a quick job that succeeds' },
  { name: 'greet', payload: { name: 'Grace' }, options: { priority: 5 }, shows: 'the same, with a higher priority' },
  { name: 'thumbnails.render', payload: { images: 5 }, shows: 'progress and a checkpoint after each of 5 steps' },
  {
    name: 'weather.fetch',
    payload: { city: 'Lisbon' },
    options: { attempts: 3, backoff: { base: '500ms', jitter: 0 } },
    shows: 'fails once, then succeeds on its retry',
  },
  { name: 'card.charge', payload: { cents: -100 }, shows: 'fails with a NonRetryableError and lands in the dead-letter queue' },
  { name: 'greet', payload: { name: 'Linus (delayed 2s)' }, options: { delay: '2s' }, shows: 'a delayed job: it waits 2s before it runs' },
];
