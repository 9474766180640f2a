import type { Command } from 'commander';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { json } from '../parse-flags.js';

export function registerEvents(program: Command, globals: () => GlobalOptions): void {
  const events = program.command('events').description('events for workflow runs');
  events
    .command('send')
    .description('send an event: wakes the workflow runs waiting for it and starts every matching trigger')
    .argument('<name>', 'event name')
    .option('--data <json>', 'event data as JSON (default null)')
    .option('--id <id>', "the event's own id: sending it again changes nothing")
    .action(async (name: string, flags: { data?: string; id?: string }) => {
      const data = json('--data', flags.data) ?? null;
      await withEngine(globals(), async (engine) => {
        const sent = await engine.sendEvent(name, data, flags.id === undefined ? {} : { id: flags.id });
        if (globals().json) return printJson(sent);
        const started = sent.started.map((s) => `${s.triggerId} -> job ${s.jobId}`).join(', ');
        const what = sent.deduplicated ? 'was sent before: nothing changed' : `sent; ${sent.woken} waiting run${sent.woken === 1 ? '' : 's'} woken`;
        process.stdout.write(`event ${sent.key ?? sent.eventId} ${what}${started ? `; started ${started}` : ''}\n`);
      });
    });
}
