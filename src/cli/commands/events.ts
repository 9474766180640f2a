import type { Command } from 'commander';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { json } from '../parse-flags.js';

export function registerEvents(program: Command, globals: () => GlobalOptions): void {
  const events = program.command('events').description('events for workflow runs');
  events
    .command('send')
    .description('send an event to the workflow runs waiting for it')
    .argument('<name>', 'event name')
    .option('--data <json>', 'event data as JSON (default null)')
    .action(async (name: string, flags: { data?: string }) => {
      const data = json('--data', flags.data) ?? null;
      await withEngine(globals(), async (engine) => {
        const sent = await engine.sendEvent(name, data);
        if (globals().json) printJson(sent);
        else process.stdout.write(`event ${sent.eventId} sent; ${sent.woken} waiting run${sent.woken === 1 ? '' : 's'} woken\n`);
      });
    });
}
