// TypeScript handlers: `taskwright worker --handlers examples/handlers.ts` (loaded through tsx).
import { defineJob, type JobContext } from 'taskwright';

interface InvoicePayload {
  customer: string;
  amountCents: number;
}

export const sendInvoice = defineJob('invoice.send', async (payload: InvoicePayload, ctx: JobContext<InvoicePayload>) => {
  await ctx.log('invoice sent', { customer: payload.customer });
  return { customer: payload.customer, total: payload.amountCents / 100 };
});

export default {
  'invoice.ping': async (): Promise<string> => 'pong',
};
