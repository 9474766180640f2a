// Handlers for `taskwright worker --handlers examples/handlers.mjs`.
// The default export maps job names to handler functions; named exports may be defineJob() definitions.
//
//   taskwright enqueue email.send --payload '{"to":"ada@example.com"}'
//   taskwright enqueue email.send --payloads examples/emails.jsonl     (one job per line)
//   taskwright enqueue image.resize --payload '{"url":"cat.png","sizes":[64,128,256]}'
import { defineJob, NonRetryableError } from 'taskwright';

export const resizeImage = defineJob(
  'image.resize',
  async ({ url, sizes }, ctx) => {
    const done = ctx.resume?.data?.done ?? [];
    for (const size of sizes) {
      if (done.includes(size)) continue; // finished before a crash: skip
      if (ctx.signal.aborted) throw ctx.signal.reason;
      await new Promise((resolve) => setTimeout(resolve, 100));
      done.push(size);
      await ctx.checkpoint(`size-${size}`, { done });
      await ctx.progress({ done: done.length, of: sizes.length });
    }
    return { url, sizes: done };
  },
  { timeout: '1m', attempts: 5 },
);

export default {
  async 'email.send'(payload, ctx) {
    if (typeof payload?.to !== 'string' || !payload.to.includes('@')) {
      throw new NonRetryableError(`expected payload.to to be an email address, got ${JSON.stringify(payload?.to)}`);
    }
    await ctx.log('sending', { to: payload.to });
    return { sent: true, to: payload.to };
  },
  async 'report.build'(payload, ctx) {
    // stop early when the job is cancelled, times out or the worker shuts down
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, payload?.ms ?? 200);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(ctx.signal.reason);
        },
        { once: true },
      );
    });
    await ctx.log('report built');
    return { rows: 42 };
  },
};
