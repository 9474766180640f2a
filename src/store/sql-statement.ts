import { ValidationError } from '../core/errors.js';

/**
 * Statements an SQL node may never send, in either mode: they end, open or reshape the
 * transaction the store runs the node's query in (COMMIT would let a later write escape a
 * read-only transaction; BEGIN would leave the store's connection inside a transaction), or they
 * change session state that would outlive the query on a pooled connection.
 */
const CONTROL_KEYWORDS = new Set(['BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'SAVEPOINT', 'RELEASE', 'PREPARE', 'SET', 'RESET', 'DISCARD']);

const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** The statement's first keyword, upper-cased, after whitespace and comments. */
export function leadingKeyword(sql: string): string {
  const rest = sql.replace(LEADING_NOISE, '');
  return (/^[A-Za-z]+/.exec(rest)?.[0] ?? '').toUpperCase();
}

const quote = (sql: string) => JSON.stringify(sql.slice(0, 200));

/** Refuses transaction and session control, which the stores run SQL nodes' queries inside. */
export function assertNoControlStatement(sql: string): void {
  const keyword = leadingKeyword(sql);
  if (CONTROL_KEYWORDS.has(keyword)) {
    throw new ValidationError(`expected an SQL statement that leaves transactions and session settings alone, got ${keyword} in ${quote(sql)}`, { sql, keyword });
  }
}

/** The error for a query text holding more than one statement. */
export function severalStatementsError(sql: string): ValidationError {
  return new ValidationError(`expected one SQL statement per query, got several in ${quote(sql)}`, { sql });
}
