import { type Command, CommanderError } from 'commander';
import { TaskwrightError } from '../core/errors.js';

/** Exit codes: 0 ok, 1 not found / conflict / runtime failure, 2 usage or invalid input. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** `jobs list` for a subcommand, `` for the program itself. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function subcommandNames(command: Command): string {
  return command.commands.map((c) => c.name()).join(', ');
}

/** Commander's message, reworded to one line that names the value and what was expected. */
function usageMessage(error: CommanderError, command: Command): string {
  const lines = error.message.replace(/^error: /, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const [first = error.code, ...rest] = lines;
  const path = commandPath(command);
  const seeHelp = `see taskwright${path ? ` ${path}` : ''} --help`;
  // commander puts "(Did you mean ...?)" on a second line
  const hint = rest.join(' ').replace(/^\(Did you mean/, '(did you mean');
  switch (error.code) {
    case 'commander.unknownCommand':
      return `${first}${path ? ` for '${path}'` : ''}${hint ? ` ${hint}` : ''}; expected one of ${subcommandNames(command)}`;
    case 'commander.unknownOption':
      return `${first}${path ? ` for '${path}'` : ''}${hint ? ` ${hint}` : ''} (${seeHelp})`;
    case 'commander.help':
      // a command group (or the program) called without its subcommand
      return `expected a command${path ? ` after '${path}'` : ''}: ${subcommandNames(command)} (${seeHelp})`;
    default:
      return `${[first, ...rest].join(' ')} (${seeHelp})`;
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);

/**
 * The code of a store error: SQLite (`SQLITE_BUSY`, ...), a PostgreSQL server error (a SQLSTATE
 * such as `28P01`, with a severity) or a network failure reaching the server. A store problem, not a bug.
 */
function storeErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; severity?: unknown } | null;
  const code = e?.code;
  if (typeof code !== 'string') return undefined;
  if (code.startsWith('SQLITE_') || NETWORK_CODES.has(code)) return code;
  return typeof e?.severity === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Writes one line to stderr and returns the exit code. Expected errors (usage, TaskwrightError,
 * store errors) never show a stack; anything else is a bug and keeps its stack for the report.
 */
export function reportError(error: unknown, command: Command): number {
  const say = (line: string): void => void process.stderr.write(`taskwright: ${line}\n`);
  if (error instanceof CommanderError) {
    say(usageMessage(error, command));
    return EXIT_USAGE;
  }
  if (error instanceof TaskwrightError) {
    say(error.message);
    return error.code === 'invalid_input' ? EXIT_USAGE : EXIT_FAILURE;
  }
  const sqliteCode = storeErrorCode(error);
  if (sqliteCode !== undefined) {
    say(`store error: ${(error as Error).message} (${sqliteCode})`);
    return EXIT_FAILURE;
  }
  say(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return EXIT_FAILURE;
}
