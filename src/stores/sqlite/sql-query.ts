import { ValidationError, describeValue } from '../../core/errors.js';
import type { SqlQueryOptions, SqlQueryResult } from '../../store/store.js';
import type { SqliteDatabase } from './connection.js';
import { assertNoControlStatement, severalStatementsError } from '../../store/sql-statement.js';

/**
 * SQL nodes' queries against this database. better-sqlite3 tells from the compiled statement
 * whether it can write (`readonly`), so read-only mode rejects writes before running anything,
 * including writes hidden in a CTE or a PRAGMA with an argument. SQLite counts BEGIN and COMMIT as
 * read-only, so transaction control is refused by keyword; `prepare` takes one statement only.
 */
export function createSqlQuery(db: SqliteDatabase) {
  return (sql: string, params: readonly unknown[] | Record<string, unknown>, options: SqlQueryOptions): SqlQueryResult => {
    if (typeof sql !== 'string' || sql.trim() === '') throw new ValidationError(`expected an SQL statement, got ${describeValue(sql)}`);
    assertNoControlStatement(sql);
    let statement;
    try {
      statement = db.prepare(sql);
    } catch (error) {
      if (error instanceof RangeError && /more than one statement/.test(error.message)) throw severalStatementsError(sql);
      throw new ValidationError(`SQL statement does not compile: ${(error as Error).message}`, { sql });
    }
    if (options.readOnly && !statement.readonly) {
      throw new ValidationError(`expected a read-only SQL statement (the SQL node is read-only unless readOnly: false), got ${JSON.stringify(sql.slice(0, 200))}`, { sql });
    }
    const args = Array.isArray(params) ? params : Object.keys(params).length > 0 ? [params] : [];
    if (statement.reader) {
      const rows: Record<string, unknown>[] = [];
      for (const row of statement.iterate(...args) as Iterable<Record<string, unknown>>) {
        if (rows.length >= options.maxRows) break;
        rows.push(row);
      }
      return { rows, changes: 0 };
    }
    const run = db.transaction(() => statement.run(...args));
    return { rows: [], changes: run.immediate().changes };
  };
}
