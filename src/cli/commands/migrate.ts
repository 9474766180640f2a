import type { Command } from 'commander';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { chooseStore, redactUrl } from '../store-url.js';

export function registerMigrate(program: Command, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description('create or upgrade the store schema (other commands also do this on first use)')
    .action(async () => {
      // withEngine migrates before it runs the action
      await withEngine(globals(), async () => {
        const store = redactUrl(chooseStore(globals().store).url);
        if (globals().json) printJson({ store, migrated: true });
        else process.stdout.write(`schema is current in ${store}\n`);
      });
    });
}
