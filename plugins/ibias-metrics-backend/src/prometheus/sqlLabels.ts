import { isTransientDatabaseError } from '@internal/ibias-backend-resilience';

/** The `operation` label values of `database_query_duration_seconds`. */
export type SqlOperation = 'select' | 'insert' | 'update' | 'delete' | 'other';

/** The `table` label of a statement that names no table (`select 1`). */
export const NO_TABLE = 'none';

const OPERATIONS: ReadonlySet<string> = new Set([
  'select',
  'insert',
  'update',
  'delete',
]);

function isSqlOperation(word: string): word is SqlOperation {
  return OPERATIONS.has(word);
}

/** The statement's first keyword, lowercased; anything but the four DML verbs is `other`. */
export function sqlOperation(sql: string): SqlOperation {
  const word = /^\s*\(*\s*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? '';
  return isSqlOperation(word) ? word : 'other';
}

// An identifier quoted the PostgreSQL, MySQL/SQLite or MSSQL way, or bare; optionally
// schema-qualified, in which case the last part is the table.
const IDENTIFIER = String.raw`(?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[a-z_][\w$]*)`;
const FIRST_TABLE = new RegExp(
  String.raw`\b(?:from|into|update)\s+(${IDENTIFIER}(?:\s*\.\s*${IDENTIFIER})*)`,
  'i',
);

/**
 * The first table named after `from`, `into` or `update`, unquoted; {@link NO_TABLE}
 * when there is none. A rough reading, enough for a label: joins and subqueries count
 * under the first table that appears.
 */
export function sqlTable(sql: string): string {
  const qualified = FIRST_TABLE.exec(sql)?.[1];
  if (!qualified) return NO_TABLE;
  const last = qualified.split(/\s*\.\s*/).pop() ?? '';
  return last.replace(/^["\x60[]|["\x60\]]$/g, '') || NO_TABLE;
}

/**
 * Faults that {@link isTransientDatabaseError} retries but that are not the connection
 * failing: a serialization failure or deadlock, a locked SQLite file.
 */
const NOT_CONNECTION_CODES: ReadonlySet<string> = new Set([
  '40001',
  '40P01',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);

/**
 * Whether a database error means the connection was refused, broken or never got
 * (ECONNREFUSED, ECONNRESET, PostgreSQL class 08 and 57P01–57P03, 53300, …), as
 * opposed to a statement that failed on a working connection.
 */
export function isConnectionError(error: unknown): boolean {
  if (!isTransientDatabaseError(error)) return false;
  const code =
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
      ? error.code
      : '';
  return !NOT_CONNECTION_CODES.has(code);
}
