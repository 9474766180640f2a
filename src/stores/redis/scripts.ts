import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** The command scripts, one file each under lua/ (a header in each lists KEYS, ARGV and returns). */
export const COMMANDS = [
  'enqueue', 'claim', 'settle', 'settle-and-claim', 'extend-leases', 'save-progress', 'save-step', 'wait-for-event',
  'send-event', 'rescue-expired', 'prune', 'cancel', 'requeue', 'set-budget', 'append-feed', 'trim-feed', 'save-worker',
  'reap-workers', 'acquire-leadership', 'release-leadership', 'list-leaders', 'migrate', 'queue-stats', 'cancellation-requests',
  'control-flow',
] as const;
export type Command = (typeof COMMANDS)[number];

/** Shared Lua functions prepended to every command (Redis scripts cannot import each other). */
const PRELUDE = ['lib', 'flow-lib', 'claim-lib', 'settle-lib'];

interface Script {
  source: string;
  sha: string;
}

const read = (name: string): string => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');

let loaded: Map<Command, Script> | null = null;
function scripts(): Map<Command, Script> {
  if (!loaded) {
    const prelude = PRELUDE.map(read).join('\n');
    loaded = new Map(
      COMMANDS.map((name) => {
        const source = `${prelude}\n${read(name)}`;
        return [name, { source, sha: createHash('sha1').update(source).digest('hex') }];
      }),
    );
  }
  return loaded;
}

export type Arg = string | number | Buffer;

/**
 * Runs one command script atomically: EVALSHA, and EVAL once when the server does not have the
 * script cached yet (a new or restarted server). KEYS[1] is the store's meta key.
 */
export async function run<T>(client: Redis, command: Command, metaKey: string, args: readonly Arg[]): Promise<T> {
  const script = scripts().get(command) as Script;
  try {
    // an array argument is flattened by ioredis (a spread of 100,000s of arguments would overflow the
    // stack); its typings do not say so, hence the cast
    return (await client.evalsha(script.sha, 1, metaKey, args as unknown as string)) as T;
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return (await client.eval(script.source, 1, metaKey, args as unknown as string)) as T;
  }
}
