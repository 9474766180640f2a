import type pg from 'pg';
import { ValidationError, describeValue } from '../../core/errors.js';
import type { SqlQueryOptions, SqlQueryResult } from '../../store/store.js';
import { inTransaction } from './connection.js';
import type { SchemaNames } from './sql.js';
import { assertNoControlStatement, severalStatementsError } from '../../store/sql-statement.js';

/** SQLSTATE classes that mean the statement itself is wrong (syntax, names, types, read-only), not the server. */
const STATEMENT_ERRORS = /^(42|22|25|0A|23|2B|3F)/;

/**
 * Rewrites `?` and named (`:name`, `@name`) placeholders to PostgreSQL's `$n`, leaving string
 * literals, quoted identifiers, comments and `::` casts alone. `$n` placeholders pass through.
 */
export function toPositional(sql: string, params: readonly unknown[] | Record<string, unknown>): { text: string; values: unknown[] } {
  const named = !Array.isArray(params);
  const values: unknown[] = named ? [] : [...(params as unknown[])];
  const slots = new Map<string, number>();
  let positional = 0;
  let out = '';
  for (let i = 0; i < sql.length; ) {
    const rest = sql.slice(i);
    const skip = /^('(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|::)/.exec(rest);
    if (skip) {
      out += skip[0];
      i += skip[0].length;
      continue;
    }
    const name = named ? /^[:@]([A-Za-z_]\w*)/.exec(rest) : null;
    if (name) {
      const key = name[1] as string;
      if (!(key in (params as Record<string, unknown>))) throw new ValidationError(`SQL parameter :${key} has no value; given ${Object.keys(params).join(', ') || 'none'}`);
      let slot = slots.get(key);
      if (slot === undefined) {
        values.push((params as Record<string, unknown>)[key]);
        slots.set(key, (slot = values.length));
      }
      out += `$${slot}`;
      i += name[0].length;
      continue;
    }
    if (!named && rest[0] === '?') {
      out += `$${++positional}`;
      i += 1;
      continue;
    }
    out += rest[0];
    i += 1;
  }
  return { text: out, values };
}

/**
 * SQL nodes' queries against this database, in one transaction whose search_path puts the store's
 * schema first (then public). Read-only mode runs it in a READ ONLY transaction: PostgreSQL
 * rejects any write (also one hidden in a CTE or a function) before it changes anything, and the
 * rejection is reported as invalid input. The text always goes over the extended protocol, which
 * takes exactly one statement: the simple protocol (node-pg's choice for a query without
 * parameters) would run `COMMIT; DELETE ...` as two, the second outside the read-only transaction.
 */
export function createSqlQuery(pool: pg.Pool, t: SchemaNames) {
  return async (sql: string, params: readonly unknown[] | Record<string, unknown>, options: SqlQueryOptions): Promise<SqlQueryResult> => {
    if (typeof sql !== 'string' || sql.trim() === '') throw new ValidationError(`expected an SQL statement, got ${describeValue(sql)}`);
    assertNoControlStatement(sql);
    const { text, values } = toPositional(sql, params ?? []);
    try {
      return await inTransaction(pool, async (client) => {
        if (options.readOnly) await client.query('SET TRANSACTION READ ONLY');
        await client.query(`SET LOCAL search_path TO "${t.schema}", public`);
        // queryMode is node-pg's (8.12+) switch to the extended protocol; its type declarations lack it.
        const query: pg.QueryConfig & { queryMode: 'extended' } = { text, values, queryMode: 'extended' };
        const result = await client.query(query);
        if (result.command === 'SELECT' || (result.fields?.length ?? 0) > 0) return { rows: result.rows.slice(0, options.maxRows), changes: 0 };
        return { rows: [], changes: result.rowCount ?? 0 };
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === '42601' && /multiple commands/.test((error as Error).message)) throw severalStatementsError(sql);
      if (typeof code === 'string' && STATEMENT_ERRORS.test(code)) {
        const readOnly = code === '25006';
        throw new ValidationError(
          readOnly
            ? `expected a read-only SQL statement (the SQL node is read-only unless readOnly: false), got ${JSON.stringify(sql.slice(0, 200))}`
            : `SQL statement failed: ${(error as Error).message}`,
          { sql, sqlstate: code },
        );
      }
      throw error;
    }
  };
}
