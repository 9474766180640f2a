import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TaskwrightError, ValidationError } from '../core/errors.js';
import type { Taskwright } from '../runtime/engine.js';
import { isJobDefinition, type JobDefinition, type JobHandler } from '../runtime/handlers.js';

const SCRIPT = /\.(?:m|c)?js$/;
const TYPESCRIPT = /\.(?:m|c)?ts$/;

/** Registers tsx's ESM and CommonJS hooks once: a .ts file is CommonJS outside a `"type": "module"` package. */
let typescriptReady: Promise<void> | undefined;
function enableTypeScript(): Promise<void> {
  typescriptReady ??= (async () => {
    const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
    esm.register();
    cjs.register();
  })();
  return typescriptReady;
}

/** A module's exports. TypeScript compiled to CommonJS puts them on `module.exports`, flagged `__esModule`. */
function exportsOf(namespace: Record<string, unknown>): Record<string, unknown> {
  const fallback = namespace.default as { __esModule?: unknown } | undefined;
  return typeof fallback === 'object' && fallback !== null && fallback.__esModule === true ? (fallback as Record<string, unknown>) : namespace;
}

const FRAME = /(?:^|[\s(])(file:\/\/\/[^\s()]+?|\/[^\s()]+?):(\d+)(?::(\d+))?\)?$/;

/** Where in the user's code a load failed, e.g. `/app/handlers.mjs:3:9`, from the first frame outside Taskwright. */
function userFrame(error: unknown): string | undefined {
  const ownDir = fileURLToPath(new URL('..', import.meta.url));
  // CommonJS syntax errors start the stack with `path:line`; the rest are `at ... (path:line:col)`
  for (const frame of ((error as Error | undefined)?.stack ?? '').split('\n')) {
    const match = FRAME.exec(frame.trim());
    if (!match) continue;
    const path = (match[1] as string).startsWith('file:') ? fileURLToPath(match[1] as string) : (match[1] as string);
    if (path.includes('/node_modules/') || path.startsWith(ownDir)) continue;
    return `${path}:${match[2]}${match[3] ? `:${match[3]}` : ''}`;
  }
  return undefined;
}

async function importModule(file: string, path: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(path)) await enableTypeScript();
  try {
    return exportsOf((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (error) {
    const where = userFrame(error);
    // esbuild puts the location on the second line of its message: keep all lines, as one
    const message = error instanceof Error ? error.message.split('\n').map((l) => l.trim()).filter(Boolean).join(' ') : String(error);
    const what = error instanceof Error ? `${error.name}: ${message.length > 300 ? `${message.slice(0, 297)}...` : message}` : message;
    throw new TaskwrightError('handlers_load_failed', `could not load --handlers ${file}: ${what}${where ? ` (at ${where})` : ''}`);
  }
}

/** Every handler the module offers: `defineJob` exports, and functions (or definitions) on the default object. */
function definitionsIn(file: string, exported: Record<string, unknown>): (JobDefinition | [string, JobHandler])[] {
  const found: (JobDefinition | [string, JobHandler])[] = [];
  for (const [exportName, value] of Object.entries(exported)) {
    if (isJobDefinition(value)) {
      found.push(value);
    } else if (exportName === 'default' && typeof value === 'object' && value !== null) {
      for (const [name, handler] of Object.entries(value)) {
        if (isJobDefinition(handler)) found.push(handler);
        else if (typeof handler === 'function') found.push([name, handler as JobHandler]);
        else throw new ValidationError(`expected default export ${JSON.stringify(name)} in ${file} to be a handler function, got ${typeof handler}`);
      }
    }
  }
  return found;
}

/**
 * Loads a handlers module: a default export object of functions by name, and/or named exports
 * of definitions made with `defineJob`. TypeScript files are loaded through tsx. Returns the
 * registered job names.
 */
export async function loadHandlers(engine: Taskwright, file: string): Promise<string[]> {
  const path = resolve(file);
  if (!SCRIPT.test(path) && !TYPESCRIPT.test(path)) {
    throw new ValidationError(`expected --handlers to be a .js, .mjs, .cjs or .ts file, got ${JSON.stringify(file)}`);
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ValidationError(`expected --handlers to name an existing file, got ${JSON.stringify(file)} (no such file)`);
  }
  const found = definitionsIn(file, await importModule(file, path));
  if (found.length === 0) {
    throw new ValidationError(`expected ${file} to export handlers (a default object of functions, or defineJob definitions), found none`);
  }
  const names = new Set<string>();
  for (const entry of found) {
    try {
      if (Array.isArray(entry)) engine.register(entry[0], entry[1]);
      else engine.register(entry);
    } catch (error) {
      if (error instanceof ValidationError) throw new ValidationError(`${error.message} (in --handlers ${file})`);
      throw error;
    }
    names.add(Array.isArray(entry) ? entry[0] : entry.name);
  }
  return [...names];
}
