import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../core/errors.js';
import type { Taskwright } from '../runtime/engine.js';
import { isJobDefinition } from '../runtime/handlers.js';

/**
 * Loads a handlers module: a default export object of functions by name, and/or named exports
 * of definitions made with `defineJob`. TypeScript files are loaded through tsx.
 */
export async function loadHandlers(engine: Taskwright, file: string): Promise<string[]> {
  const path = resolve(file);
  if (!/\.(m?js|ts|mts)$/.test(path)) throw new ValidationError(`expected --handlers to be a .js, .mjs or .ts file, got ${JSON.stringify(file)}`);
  if (!existsSync(path)) throw new ValidationError(`expected --handlers to name an existing file, got ${JSON.stringify(file)} (no such file)`);
  if (/\.m?ts$/.test(path)) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const names: string[] = [];
  for (const [exportName, value] of Object.entries(module)) {
    if (isJobDefinition(value)) {
      engine.register(value);
      names.push(value.name);
    } else if (exportName === 'default' && typeof value === 'object' && value !== null) {
      for (const [name, handler] of Object.entries(value)) {
        if (isJobDefinition(handler)) engine.register(handler);
        else if (typeof handler === 'function') engine.register(name, handler as never);
        else throw new ValidationError(`expected default export ${JSON.stringify(name)} in ${file} to be a handler function, got ${typeof handler}`);
        names.push(isJobDefinition(handler) ? handler.name : name);
      }
    }
  }
  if (names.length === 0) {
    throw new ValidationError(`expected ${file} to export handlers (a default object of functions, or defineJob definitions), found none`);
  }
  return names;
}
