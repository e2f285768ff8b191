/**
 * Errors that mean "the database cannot be reached now", not "this statement is wrong":
 * a refused or reset connection, a server shutting down or starting up, a connection
 * the pool could not get in time. Worth retrying; every other error is not.
 */

/** Node socket errors of a connection that failed or broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (admin shutdown,
 * crash shutdown, cannot connect now), 53300 (too many connections), 40001/40P01
 * (serialization failure, deadlock: the transaction may simply be run again).
 */
const POSTGRES_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
]);

/** SQLite: the file is locked by another writer for now. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

/** Messages of the pg driver and knex for a connection lost or never got. */
const MESSAGES = [
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down)/i,
  /Timeout acquiring a connection/i,
  /Knex: Timeout/i,
  /connect ECONNREFUSED/i,
  /read ECONNRESET/i,
];

export function isTransientDatabaseError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (SOCKET_CODES.has(code) || SQLITE_CODES.has(code)) return true;
  if (POSTGRES_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return MESSAGES.some(m => m.test(message));
}

export interface RetryOptions {
  /** How long to keep trying, from the first failure. */
  forMs: number;
  /** What the call is, for the log ("saving deployment 1234"). */
  what: string;
  /** First wait; each next one doubles, up to maxDelayMs. Default 250 ms. */
  initialDelayMs?: number;
  /** Default 5 s: after the database returns, the next try is at most this far off. */
  maxDelayMs?: number;
  logger?: {
    warn(message: string): void;
    info(message: string): void;
  };
  /** Waits (tests replace it). */
  sleep?(ms: number): Promise<void>;
  /** The clock (tests replace it). */
  now?(): number;
}

/** The database stayed unreachable for the whole retry window. */
export class DatabaseUnavailableError extends Error {
  readonly name = 'DatabaseUnavailableError';
  constructor(message: string, readonly cause: unknown) {
    super(message);
  }
}

/**
 * Runs `call`; while it fails with a transient database error, waits (250 ms, doubling,
 * at most 5 s) and runs it again, for up to `forMs`. Any other error is thrown at once;
 * past `forMs` the last failure is thrown as DatabaseUnavailableError.
 *
 * `call` must be safe to run again: a compare-and-set write is (a second try of a write
 * that did commit finds the revision moved and reports it, it never writes twice).
 */
export async function retryWhileUnavailable<T>(
  call: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const sleep =
    options.sleep ?? (ms => new Promise<void>(r => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const maxDelay = options.maxDelayMs ?? 5_000;
  let delay = options.initialDelayMs ?? 250;
  let firstFailure: number | undefined;
  let attempts = 0;
  for (;;) {
    try {
      const result = await call();
      if (firstFailure !== undefined) {
        options.logger?.info(
          `${options.what}: the database answered again after ${
            now() - firstFailure
          } ms (${attempts} retries)`,
        );
      }
      return result;
    } catch (error) {
      if (!isTransientDatabaseError(error)) throw error;
      const at = now();
      if (firstFailure === undefined) {
        firstFailure = at;
        options.logger?.warn(
          `${options.what}: the database is unreachable (${String(
            (error as Error).message ?? error,
          ).slice(0, 200)}); retrying for up to ${Math.round(
            options.forMs / 1000,
          )} s`,
        );
      }
      if (at - firstFailure >= options.forMs) {
        throw new DatabaseUnavailableError(
          `${options.what}: the database was unreachable for ${
            at - firstFailure
          } ms`,
          error,
        );
      }
      attempts += 1;
      await sleep(Math.min(delay, options.forMs - (at - firstFailure)));
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
