import type { Command } from 'commander';
import { withEngine, type GlobalOptions } from '../context.js';
import { printJson } from '../output.js';
import { storeUrlFrom } from '../store-url.js';

export function registerMigrate(program: Command, globals: () => GlobalOptions): void {
  program
    .command('migrate')
    .description('create or upgrade the store schema')
    .action(async () => {
      await withEngine(globals(), async () => {
        const store = storeUrlFrom(globals().store);
        if (globals().json) printJson({ store, migrated: true });
        else process.stdout.write(`schema is current in ${store}\n`);
      });
    });
}
