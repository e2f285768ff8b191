import type { LoggerService } from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { isError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import {
  measuredAt,
  type KpiDefinition,
  type Period,
} from '@internal/plugin-ibias-metrics-common';
import knexFactory, { type Knex } from 'knex';
import type { ExternalKpiSource } from '../kpi/KpiService';
import type { KpiComputation } from '../kpi/RecordKpis';

/** A PostgreSQL connection as config gives it: a connection string or its parts. */
export type SqlConnection =
  | string
  | {
      host?: string;
      port?: number;
      user?: string;
      password?: string;
      database?: string;
      ssl?: boolean | { rejectUnauthorized?: boolean; ca?: string };
    };

export interface SqlSourceSettings {
  connection: SqlConnection;
  /** How long one KPI query may run. */
  statementTimeoutMs: number;
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
const CONFIG_KEY = 'ibias.metrics.sources.sql';

/**
 * ibias.metrics.sources.sql, or undefined when it is not configured. Only PostgreSQL: the
 * source relies on its read-only transactions and statement timeout.
 */
export function readSqlSourceSettings(
  config: Config,
): SqlSourceSettings | undefined {
  const c = config.getOptionalConfig(CONFIG_KEY);
  if (!c) return undefined;
  const client = c.getOptionalString('client') ?? 'pg';
  if (client !== 'pg') {
    throw new Error(
      `${CONFIG_KEY}.client must be pg: the SQL source relies on PostgreSQL's read-only transactions`,
    );
  }
  let connection: SqlConnection;
  if (typeof c.getOptional('connection') === 'string') {
    connection = c.getString('connection');
  } else {
    const parts = c.getConfig('connection');
    const ssl = parts.getOptional('ssl');
    connection = {
      host: parts.getOptionalString('host'),
      port: parts.getOptionalNumber('port'),
      user: parts.getOptionalString('user'),
      password: parts.getOptionalString('password'),
      database: parts.getOptionalString('database'),
      ssl:
        ssl === undefined || typeof ssl === 'boolean'
          ? ssl
          : {
              rejectUnauthorized: parts.getOptionalBoolean(
                'ssl.rejectUnauthorized',
              ),
              ca: parts.getOptionalString('ssl.ca'),
            },
    };
  }
  const statementTimeoutMs = c.has('statementTimeout')
    ? durationToMilliseconds(
        readDurationFromConfig(c, { key: 'statementTimeout' }),
      )
    : DEFAULT_STATEMENT_TIMEOUT_MS;
  if (!(statementTimeoutMs >= 1)) {
    throw new Error(`${CONFIG_KEY}.statementTimeout must be positive`);
  }
  return { connection, statementTimeoutMs: Math.round(statementTimeoutMs) };
}

/** The secrets a message must never carry: the connection string and the password. */
function secretsOf(connection: SqlConnection): string[] {
  if (typeof connection !== 'string') {
    return connection.password ? [connection.password] : [];
  }
  const secrets = [connection];
  try {
    const password = decodeURIComponent(new URL(connection).password);
    if (password) secrets.push(password);
  } catch {
    // Not a URL: the whole string is still redacted.
  }
  return secrets;
}

/**
 * A period as PostgreSQL writes a date, timestamp or timestamptz in text (DateStyle ISO),
 * or an ISO 8601 string: epoch milliseconds, or undefined. No offset means UTC.
 */
export function parseSqlTimestamp(text: string): number | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = m;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    ms,
  );
  // Date.UTC rolls 2026-02-30 over into March: a round trip catches it.
  const back = new Date(local);
  if (
    back.getUTCFullYear() !== Number(y) ||
    back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return undefined;
  }
  let offsetMs = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(/:/g, '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2, 4) || '0');
    const seconds = Number(digits.slice(4, 6) || '0');
    offsetMs =
      (zone[0] === '-' ? -1 : 1) *
      ((hours * 60 + minutes) * 60 + seconds) *
      1000;
  }
  return local - offsetMs;
}

/** A value cell: a number, or why it is not one (never the cell's text). */
export function parseSqlValue(
  cell: unknown,
): { value: number } | { reason: string } {
  if (cell === null || cell === undefined)
    return { reason: 'the value is null' };
  if (typeof cell === 'number') {
    return Number.isFinite(cell)
      ? { value: cell }
      : { reason: 'the value is not a finite number' };
  }
  if (typeof cell === 'string') {
    const text = cell.trim();
    if (/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) {
      const value = Number(text);
      if (Number.isFinite(value)) return { value };
    }
    if (/^-?(?:nan|infinity)$/i.test(text)) {
      return { reason: 'the value is not a finite number' };
    }
  }
  return { reason: 'the value is not a number' };
}

/** The SQLSTATE of a driver error, if it has one. */
function sqlState(error: unknown): string | undefined {
  return isError(error) && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Returned by every query: the pg driver's result, with its column names. */
interface PgResult {
  rows: Array<Record<string, unknown>>;
  fields?: Array<{ name: string }>;
}

/**
 * KPIs from SQL against a configured PostgreSQL database (IBIAS runs on Supabase): each
 * KPI's query runs once for the whole range asked, with `:from` and `:to` bound to the
 * range's start and its measured end (a partial period is measured up to its `asOf`),
 * and `:period` to the period kind (day, week, month or quarter, which PostgreSQL's
 * `date_trunc` takes as they are). It returns rows (period, value): `period` a date,
 * timestamp or ISO string within the period (its start, typically
 * `date_trunc(:period, created_at)`), `value` a number (money in micro-dollars, like every
 * KPI). A period without a row, or whose row is not a number, is a gap with a reason,
 * never 0.
 *
 * Read-only twice over: every pooled session is made read-only when it opens (`SET
 * SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`), and every query runs alone
 * (PostgreSQL's extended protocol takes one statement) in a transaction set READ ONLY with
 * its own statement timeout, then rolled back: a pooler in transaction mode (Supabase's
 * port 6543) does not keep session settings, and a query that changed a session setting
 * leaves nothing behind. Give it a read-only database role as well. A `?` in a query is a
 * positional binding to knex: write `\\?` for PostgreSQL's jsonb operator.
 *
 * Errors name what went wrong, never the connection string or the password.
 */
export class SqlKpiSource implements ExternalKpiSource {
  readonly #knex: Knex;
  readonly #statementTimeoutMs: number;
  readonly #secrets: string[];
  readonly #logger?: LoggerService;

  constructor(options: SqlSourceSettings & { logger?: LoggerService }) {
    this.#statementTimeoutMs = options.statementTimeoutMs;
    this.#secrets = secretsOf(options.connection);
    this.#logger = options.logger;
    const timeout = this.#statementTimeoutMs;
    const connection =
      typeof options.connection === 'string'
        ? { connectionString: options.connection }
        : { ...options.connection };
    this.#knex = knexFactory({
      client: 'pg',
      connection: {
        ...connection,
        connectionTimeoutMillis: Math.max(timeout, 5_000),
        // Every column as PostgreSQL's text: dates and timestamps are read here, in UTC,
        // not by the driver in the server process's local time zone.
        types: { getTypeParser: () => (text: string) => text },
      },
      pool: {
        min: 0,
        max: 2,
        idleTimeoutMillis: 30_000,
        afterCreate: (
          raw: {
            query: (sql: string, callback: (error?: Error) => void) => void;
          },
          done: (error: Error | undefined, raw: unknown) => void,
        ) => {
          raw.query(
            `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = ${timeout}; SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'`,
            error => done(error, raw),
          );
        },
      },
      acquireConnectionTimeout: Math.max(timeout, 5_000),
      // An error's text carries the statement, never the values bound to it.
      compileSqlOnError: false,
    });
  }

  /** Whether the SQL database answers a read (for /health); throws when it does not. */
  async ping(): Promise<void> {
    await this.#run('select 1', {});
  }

  /** Closes the pool. */
  async close(): Promise<void> {
    await this.#knex.destroy();
  }

  #redact(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join('***');
    return out;
  }

  /** Why a query failed, for the gap's reason: what happened, never a secret. */
  #explain(error: unknown): string {
    const code = sqlState(error);
    const message = this.#redact(
      isError(error) ? error.message : String(error),
    ).slice(0, 300);
    if (code === '25006') {
      return `the query tried to write, and the SQL source is read-only (${message})`;
    }
    if (code === '57014') {
      return `the query ran longer than the ${
        this.#statementTimeoutMs / 1000
      } s statement timeout (ibias.metrics.sources.sql.statementTimeout)`;
    }
    // Syntax and schema errors name the query's own words, not the data.
    if (code?.startsWith('42') || code === '0A000') {
      return `the query is not valid: ${message}`;
    }
    if (
      code?.startsWith('08') ||
      code?.startsWith('28') ||
      code === '3D000' ||
      ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET'].includes(
        code ?? '',
      ) ||
      (isError(error) && error.name === 'KnexTimeoutError')
    ) {
      return `the SQL database is unreachable (${message})`;
    }
    // Other messages may quote the data ("invalid input syntax for type integer: …"):
    // the reason, which every reader of the KPI sees, leaves them to the log.
    return `the query failed${
      code ? ` (SQLSTATE ${code})` : ''
    }; the backend log says why`;
  }

  async #run(
    query: string,
    bindings: Record<string, string>,
  ): Promise<PgResult> {
    const trx = await this.#knex.transaction();
    try {
      // One simple-protocol round trip for the settings; they end with the transaction.
      await trx.raw(
        `SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${
          this.#statementTimeoutMs
        }; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'`,
      );
      // The extended protocol refuses more than one statement ("select 1; commit; …").
      const statement = trx
        .raw(query.trim().replace(/;\s*$/, ''), bindings)
        .options({ queryMode: 'extended' });
      // knex puts the statement before the driver's message: the reason needs only the latter.
      const prefix = `${statement.toSQL().toNative().sql} - `;
      try {
        const result: PgResult = await statement;
        return result;
      } catch (error) {
        if (isError(error) && error.message.startsWith(prefix)) {
          error.message = error.message.slice(prefix.length);
        }
        throw error;
      }
    } finally {
      await trx.rollback().catch(() => undefined);
    }
  }

  async values(
    definition: KpiDefinition,
    periods: Period[],
  ): Promise<KpiComputation[]> {
    const source = definition.source;
    if (source.type !== 'sql') {
      throw new Error(`${definition.id} is not an SQL KPI`);
    }
    const formula = source.query;
    const gaps = (reason: string) =>
      periods.map(() => ({ value: null, reason, formula, inputs: {} }));
    if (periods.length === 0) return [];

    let result: PgResult;
    try {
      result = await this.#run(source.query, {
        from: periods[0].start,
        to: measuredAt(periods[periods.length - 1]).toISOString(),
        period: periods[0].kind,
      });
    } catch (error) {
      const reason = this.#explain(error);
      const message = this.#redact(
        isError(error) ? error.message : String(error),
      );
      this.#logger?.warn(
        `SQL KPI ${definition.id}: ${reason}${
          reason.includes(message) ? '' : ` (${message.slice(0, 1000)})`
        }`,
      );
      return gaps(reason);
    }

    const columns = result.fields?.map(f => f.name) ?? [];
    if (!columns.includes('period') || !columns.includes('value')) {
      return gaps(
        `the query must return columns named period and value; it returned ${
          columns.join(', ') || 'none'
        }`,
      );
    }
    const byPeriod = periods.map((): unknown[] => []);
    let unplaced = 0;
    for (const row of result.rows) {
      const cell = row.period;
      // Every column arrives as text (the pool's type parser): no driver Date to read.
      const at = typeof cell === 'string' ? parseSqlTimestamp(cell) : undefined;
      if (at === undefined) {
        unplaced++;
        continue;
      }
      const index = periods.findIndex(
        p => Date.parse(p.start) <= at && at < Date.parse(p.end),
      );
      // Rows outside the range asked are the query's business: they are left out.
      if (index >= 0) byPeriod[index].push(row.value);
    }
    return byPeriod.map(cells => {
      if (cells.length === 0) {
        return {
          value: null,
          reason:
            unplaced > 0
              ? `no row for this period (${unplaced} rows have a period that is not a date or timestamp)`
              : 'no row for this period',
          formula,
          inputs: {},
        };
      }
      if (cells.length > 1) {
        return {
          value: null,
          reason: `${cells.length} rows fall in this period; the query must return one per period (group by date_trunc(:period, …))`,
          formula,
          inputs: {},
        };
      }
      const parsed = parseSqlValue(cells[0]);
      return 'value' in parsed
        ? { value: parsed.value, formula, inputs: {} }
        : { value: null, reason: parsed.reason, formula, inputs: {} };
    });
  }
}
