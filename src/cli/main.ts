#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { TaskwrightError } from '../core/errors.js';
import type { GlobalOptions } from './context.js';
import { registerDev } from './commands/dev.js';
import { registerDlq } from './commands/dlq.js';
import { registerEnqueue } from './commands/enqueue.js';
import { registerEvents } from './commands/events.js';
import { registerRuns } from './commands/runs.js';
import { registerJobs } from './commands/jobs.js';
import { registerMigrate } from './commands/migrate.js';
import { registerStats } from './commands/stats.js';
import { registerWorker } from './commands/worker.js';

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command('taskwright')
  .description('Durable jobs on embedded SQLite: run workers, enqueue, inspect and control jobs.')
  .version(version)
  .option('--store <url>', 'store URL (default: $TASKWRIGHT_STORE or sqlite:./.taskwright/taskwright.db)')
  .option('--json', 'print JSON')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
for (const register of [registerDev, registerWorker, registerEnqueue, registerJobs, registerDlq, registerStats, registerMigrate, registerEvents, registerRuns]) {
  register(program, globals);
}
// Subcommands report errors through the same path as the program.
const quiet = (command: Command): void => {
  command.exitOverride().configureOutput({ writeErr: () => {} });
  command.commands.forEach(quiet);
};
program.commands.forEach(quiet);

/** One line on stderr; 2 for usage and invalid input, 1 for everything else. */
function fail(error: unknown): never {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') process.exit(0);
    process.stderr.write(`taskwright: ${error.message.replace(/^error: /, '')}\n`);
    process.exit(2);
  }
  if (error instanceof TaskwrightError) {
    process.stderr.write(`taskwright: ${error.message}\n`);
    process.exit(error.code === 'invalid_input' ? 2 : 1);
  }
  process.stderr.write(`taskwright: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
