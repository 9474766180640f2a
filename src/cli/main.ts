#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { GlobalOptions } from './context.js';
import { registerDev } from './commands/dev.js';
import { registerDlq } from './commands/dlq.js';
import { registerEnqueue } from './commands/enqueue.js';
import { registerEvents } from './commands/events.js';
import { registerJobs } from './commands/jobs.js';
import { registerMigrate } from './commands/migrate.js';
import { registerRuns } from './commands/runs.js';
import { registerServe } from './commands/serve.js';
import { registerSchedules } from './commands/schedules.js';
import { registerStats } from './commands/stats.js';
import { registerTimers } from './commands/timers.js';
import { registerTriggers } from './commands/triggers.js';
import { registerWorker } from './commands/worker.js';
import { registerBreakers } from './commands/breakers.js';
import { registerLimits } from './commands/limits.js';
import { registerQueues } from './commands/queues.js';
import { registerWorkers } from './commands/workers.js';
import { reportError } from './report-error.js';

// `taskwright jobs list | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command('taskwright')
  .description('Durable jobs on embedded SQLite: run workers, enqueue, inspect and control jobs.')
  .version(version)
  .option('--store <url>', 'store URL (default: $TASKWRIGHT_STORE or sqlite:./.taskwright/taskwright.db)')
  .option('--json', 'print JSON')
  .addHelpText('after', '\nNew here? Run `taskwright dev` to watch example jobs run.');

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
for (const register of [registerDev, registerWorker, registerEnqueue, registerJobs, registerDlq, registerStats, registerMigrate, registerEvents, registerRuns, registerQueues, registerLimits, registerBreakers, registerWorkers, registerSchedules, registerTimers, registerTriggers, registerServe]) {
  register(program, globals);
}

// Every command throws instead of exiting and prints nothing itself: errors go through
// reportError as one line. The deepest command reached is remembered to name it in that line.
let reached: Command = program;
const quiet = (command: Command): void => {
  command
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .hook('preSubcommand', (_parent, sub) => {
      reached = sub;
    });
  command.commands.forEach(quiet);
};
quiet(program);

try {
  if (process.argv.length <= 2) {
    // a bare `taskwright` is a request for the overview, not a mistake
    program.outputHelp();
  } else {
    await program.parseAsync(process.argv);
  }
} catch (error) {
  // --help, `help` and --version end with a CommanderError whose exit code is 0
  if (!(error instanceof CommanderError && error.exitCode === 0)) process.exit(reportError(error, reached));
}
