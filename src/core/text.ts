import { ValidationError, describeValue } from './errors.js';

/**
 * PostgreSQL text cannot hold U+0000 while SQLite stores it, so a NUL in input would answer
 * differently per store (a 500 on one, accepted on the other). Input is checked here, where it
 * enters the engine, so every store and every caller (library, HTTP, CLI) gets the same error.
 */
export function rejectNul(field: string, value: unknown): void {
  if (typeof value === 'string' && value.includes('\u0000')) {
    throw new ValidationError(`expected ${field} to be text without NUL characters (\\u0000), got ${describeValue(value)}`, { field });
  }
}

/** `rejectNul` for each item of a list of strings, naming the item: `tags[2]`. */
export function rejectNulInList(field: string, values: readonly unknown[] | undefined): void {
  values?.forEach((value, index) => rejectNul(`${field}[${index}]`, value));
}
