import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ValidationError } from '../../core/errors.js';

export type SqliteDatabase = Database.Database;

export interface SqliteOptions {
  /** file path, or `:memory:` for a private in-process database */
  path: string;
  /** `normal` (default) survives a process crash; `full` also survives a power loss */
  synchronous?: 'normal' | 'full';
  /** how long a writer waits for another process's transaction, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/** Opens the database in WAL mode, so many processes can share one file: one writer, many readers. */
export function openDatabase(options: SqliteOptions): SqliteDatabase {
  const synchronous = options.synchronous ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw new ValidationError(`expected synchronous to be "normal" or "full", got ${JSON.stringify(synchronous)}`);
  }
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (options.path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  db.pragma('cache_size = -32000');
  db.pragma('temp_store = MEMORY');
  return db;
}
