import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader, type JsonValue } from '@backstage/config';
import {
  comparisonPeriod,
  recentPeriods,
  type KpiDefinition,
} from '@internal/plugin-ibias-metrics-common';
import knexFactory, { type Knex } from 'knex';
import {
  parseSqlTimestamp,
  parseSqlValue,
  readSqlSourceSettings,
  SqlKpiSource,
} from './SqlKpiSource';
import { scratchPostgres } from './scratchPostgres.testUtils';

jest.setTimeout(60_000);

/** January to March are whole months; April is partial, measured up to NOW. */
const NOW = new Date('2026-04-10T12:00:00Z');
const MONTHS = recentPeriods('month', 4, NOW);

function sqlKpi(query: string): KpiDefinition {
  return {
    id: 'signups',
    title: 'Sign-ups',
    unit: 'count',
    direction: 'up',
    freshness: '1d',
    owner: 'group:default/executives',
    source: { type: 'sql', query },
    financial: false,
  };
}

describe('parseSqlTimestamp', () => {
  it.each([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01 00:00:00', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01 12:34:56.789123', '2026-03-01T12:34:56.789Z'],
    ['2026-03-01 00:00:00+00', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01 02:00:00+02', '2026-03-01T00:00:00.000Z'],
    ['2026-02-28 18:30:00-05:30', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(new Date(parseSqlTimestamp(text)!).toISOString()).toBe(iso);
  });

  it.each([
    'March 2026',
    '2026-02-30',
    '2026-13-01',
    '2026-03-01 24:00:00',
    'infinity',
    '',
    '01/03/2026',
  ])('refuses %j', text => {
    expect(parseSqlTimestamp(text)).toBeUndefined();
  });
});

describe('parseSqlValue', () => {
  it.each([
    ['42', 42],
    ['0', 0],
    ['-3.5', -3.5],
    ['1e+20', 1e20],
    ['.5', 0.5],
    [7, 7],
  ])('reads %j as %d', (cell, value) => {
    expect(parseSqlValue(cell)).toEqual({ value });
  });

  it.each([
    [null, 'the value is null'],
    ['NaN', 'the value is not a finite number'],
    ['-Infinity', 'the value is not a finite number'],
    [Number.NaN, 'the value is not a finite number'],
    ['$1,234.00', 'the value is not a number'],
    ['t', 'the value is not a number'],
    ['', 'the value is not a number'],
  ])('gives %j no value: %s', (cell, reason) => {
    expect(parseSqlValue(cell)).toEqual({ reason });
  });
});

describe('readSqlSourceSettings', () => {
  const read = (sql: JsonValue) =>
    readSqlSourceSettings(
      new ConfigReader({ ibias: { metrics: { sources: { sql } } } }),
    );

  it('is undefined without ibias.metrics.sources.sql', () => {
    expect(readSqlSourceSettings(new ConfigReader({}))).toBeUndefined();
  });

  it('takes a connection string with the default 10 s timeout', () => {
    expect(read({ connection: 'postgresql://ro@db.example/ibias' })).toEqual({
      connection: 'postgresql://ro@db.example/ibias',
      statementTimeoutMs: 10_000,
    });
  });

  it('takes a connection object and a duration', () => {
    expect(
      read({
        client: 'pg',
        connection: {
          host: 'db.example',
          port: 6543,
          user: 'ro',
          password: 'pw',
          database: 'ibias',
          ssl: { rejectUnauthorized: true },
        },
        statementTimeout: '2s',
      }),
    ).toEqual({
      connection: {
        host: 'db.example',
        port: 6543,
        user: 'ro',
        password: 'pw',
        database: 'ibias',
        ssl: { rejectUnauthorized: true, ca: undefined },
      },
      statementTimeoutMs: 2000,
    });
  });

  it('refuses another client, and a section without a connection', () => {
    expect(() => read({ client: 'mysql2', connection: 'mysql://db' })).toThrow(
      'ibias.metrics.sources.sql.client must be pg: the SQL source relies on PostgreSQL',
    );
    expect(() => read({ statementTimeout: '2s' })).toThrow(/connection/);
  });
});

describe('SqlKpiSource on PostgreSQL', () => {
  const postgres = scratchPostgres('ibias_sql_source');
  let admin: Knex;
  let source: SqlKpiSource;
  const logger = mockServices.logger.mock();
  const warnings = () => logger.warn.mock.calls.map(call => String(call[0]));

  beforeAll(async () => {
    const url = await postgres.create();
    admin = knexFactory({ client: 'pg', connection: url });
    await admin.raw(`
      create table kpi_rows (period timestamptz not null, value numeric);
      create table signups (created_at timestamptz not null);
      create function write_row() returns int language sql as
        $$ insert into kpi_rows values (now(), -1) returning 1 $$;
    `);
    // January 10, February 0 (a value, not a gap), no March, April so far 7.5.
    await admin('kpi_rows').insert([
      { period: '2025-12-01T00:00:00Z', value: 99 },
      { period: '2026-01-01T00:00:00Z', value: 10 },
      { period: '2026-02-01T00:00:00Z', value: 0 },
      { period: '2026-04-01T00:00:00Z', value: 7.5 },
    ]);
    await admin('signups').insert(
      [
        '2026-01-03T10:00:00Z',
        '2026-01-31T23:59:59Z',
        '2026-02-14T00:00:00Z',
        '2026-03-02T00:00:00Z',
        '2026-03-11T00:00:00Z',
        '2026-04-05T00:00:00Z',
        // After NOW: a partial April is measured up to NOW, never past it.
        '2026-04-11T00:00:00Z',
      ].map(created_at => ({ created_at })),
    );
    source = new SqlKpiSource({
      connection: url,
      statementTimeoutMs: 500,
      logger,
    });
  });

  afterAll(async () => {
    await source?.close();
    await admin?.destroy();
    await postgres.drop();
  });

  const rowCount = async () =>
    Number((await admin('kpi_rows').count({ n: '*' }))[0].n);

  it('maps one row per month to its month, a missing month to a gap, 0 to 0', async () => {
    const values = await source.values(
      sqlKpi(
        'select period, value from kpi_rows where period >= :from and period < :to order by period',
      ),
      MONTHS,
    );
    expect(values.map(v => v.value)).toEqual([10, 0, null, 7.5]);
    expect(values[2].reason).toBe('no row for this period');
    expect(values[0].formula).toContain('from kpi_rows');
  });

  it('aggregates raw rows by :period up to a partial period’s asOf', async () => {
    const query =
      'select date_trunc(:period, created_at) as period, count(*) as value from signups where created_at >= :from and created_at < :to group by 1';
    const values = await source.values(sqlKpi(query), MONTHS);
    expect(values.map(v => v.value)).toEqual([2, 1, 2, 1]);
    // April's comparison: March's first 9.5 days.
    const [march] = await source.values(sqlKpi(query), [
      comparisonPeriod(MONTHS[3]),
    ]);
    expect(march.value).toBe(1);
    const weeks = await source.values(
      sqlKpi(query),
      recentPeriods('week', 2, NOW),
    );
    // Week of March 30: April 5. Week of April 6 (to NOW): nothing, a gap.
    expect(weeks.map(v => v.value)).toEqual([1, null]);
  });

  it('reads a period given as a date, a timestamp or an ISO string, in UTC', async () => {
    const values = await source.values(
      sqlKpi(`select * from (values
          ('2026-01-01'::date::text, 1),
          ('2026-02-01'::date::text, 2)) as t(period, value)
        union all select '2026-03-01 00:00:00'::timestamp::text, 3
        union all select '2026-04-01T00:00:00Z', 4`),
      MONTHS,
    );
    expect(values.map(v => v.value)).toEqual([1, 2, 3, 4]);
    const typed = await source.values(
      sqlKpi(`select '2026-01-01'::date as period, 1 as value
        union all select '2026-02-01 00:00:00'::timestamp, 2
        union all select '2026-03-01 00:00:00+00'::timestamptz, 3`),
      MONTHS,
    );
    expect(typed.map(v => v.value)).toEqual([1, 2, 3, null]);
  });

  it('gives a gap with a reason for a value that is not a number, two rows in a period, other columns', async () => {
    const values = await source.values(
      sqlKpi(`select * from (values
          ('2026-01-01'::timestamptz, 'many'),
          ('2026-02-01'::timestamptz, null),
          ('2026-03-01'::timestamptz, '3'),
          ('2026-03-15'::timestamptz, '4'),
          ('2026-04-01'::timestamptz, 'NaN')) as t(period, value)`),
      MONTHS,
    );
    expect(values.map(v => [v.value, v.reason])).toEqual([
      [null, 'the value is not a number'],
      [null, 'the value is null'],
      [
        null,
        '2 rows fall in this period; the query must return one per period (group by date_trunc(:period, …))',
      ],
      [null, 'the value is not a finite number'],
    ]);
    const named = await source.values(
      sqlKpi('select now() as at, 1 as n'),
      MONTHS,
    );
    expect(named[0].reason).toBe(
      'the query must return columns named period and value; it returned at, n',
    );
    const badData = await source.values(
      sqlKpi("select now() as period, 'SECRET-DATUM'::int as value"),
      MONTHS,
    );
    expect(badData[0].reason).toBe(
      'the query failed (SQLSTATE 22P02); the backend log says why',
    );
    expect(warnings().at(-1)).toContain(
      'invalid input syntax for type integer: "SECRET-DATUM"',
    );
    const undated = await source.values(
      sqlKpi("select 'last month' as period, 1 as value"),
      MONTHS,
    );
    expect(undated[0].reason).toBe(
      'no row for this period (1 rows have a period that is not a date or timestamp)',
    );
  });

  const SETTINGS =
    "select :from::timestamptz as period, (current_setting('default_transaction_read_only') = 'on')::int * 1000 + extract(epoch from current_setting('statement_timeout')::interval) * 1000 as value";

  it('runs each session read-only with the statement timeout', async () => {
    const [january] = await source.values(sqlKpi(SETTINGS), MONTHS);
    // Read-only (1000) + 500 ms.
    expect(january.value).toBe(1500);
  });

  it.each([
    [
      'an insert in a CTE',
      "with w as (insert into kpi_rows values ('2026-01-01', 1) returning 1) select now() as period, count(*) as value from w",
      // PostgreSQL names the statement: a SELECT with a data-modifying CTE.
      /^the query tried to write, and the SQL source is read-only \(cannot execute SELECT in a read-only transaction\)$/,
    ],
    [
      'a delete in a CTE',
      'with d as (delete from kpi_rows returning 1) select now() as period, count(*) as value from d',
      /^the query tried to write, and the SQL source is read-only \(cannot execute SELECT in a read-only transaction\)$/,
    ],
    [
      'a delete that returns rows',
      'delete from kpi_rows returning period, value',
      /^the query tried to write, and the SQL source is read-only \(cannot execute DELETE in a read-only transaction\)$/,
    ],
    [
      'a function that writes',
      'select now() as period, write_row() as value',
      /^the query tried to write, and the SQL source is read-only/,
    ],
    [
      'a second statement after a commit',
      "select now() as period, 1 as value; commit; insert into kpi_rows values ('2026-01-01', 1)",
      /^the query is not valid: cannot insert multiple commands into a prepared statement$/,
    ],
  ])('refuses %s, writing nothing', async (_what, query, reason) => {
    const before = await rowCount();
    const values = await source.values(sqlKpi(query), MONTHS);
    expect(values.map(v => v.value)).toEqual([null, null, null, null]);
    expect(values[0].reason).toMatch(reason);
    expect(await rowCount()).toBe(before);
  });

  it('keeps read-only after a query turned the session’s default off', async () => {
    const [off] = await source.values(
      sqlKpi(
        "select :from::timestamptz as period, length(set_config('default_transaction_read_only', 'off', false)) as value",
      ),
      MONTHS,
    );
    expect(off.value).toBe(3);
    // Rolled back with the query's transaction: the session is read-only again.
    const [january] = await source.values(sqlKpi(SETTINGS), MONTHS);
    expect(january.value).toBe(1500);
    const before = await rowCount();
    const values = await source.values(
      sqlKpi(
        "with w as (insert into kpi_rows values ('2026-01-01', 1) returning 1) select now() as period, count(*) as value from w",
      ),
      MONTHS,
    );
    expect(values[0].reason).toMatch(/read-only/);
    expect(await rowCount()).toBe(before);
  });

  it('stops a query at the statement timeout', async () => {
    const started = Date.now();
    const values = await source.values(
      sqlKpi('select now() as period, 1 as value from pg_sleep(5)'),
      MONTHS,
    );
    expect(Date.now() - started).toBeLessThan(4000);
    expect(values[3]).toEqual({
      value: null,
      reason:
        'the query ran longer than the 0.5 s statement timeout (ibias.metrics.sources.sql.statementTimeout)',
      formula: 'select now() as period, 1 as value from pg_sleep(5)',
      inputs: {},
    });
    // The pool is still good afterwards.
    const after = await source.values(
      sqlKpi('select :from::timestamptz as period, 1 as value'),
      MONTHS,
    );
    expect(after[0].value).toBe(1);
  });

  it('never repeats the connection string or the password', async () => {
    const password = 'Sup3r-Secret-pw';
    const unreachable = new SqlKpiSource({
      connection: `postgresql://postgres:${password}@127.0.0.1:1/nowhere`,
      statementTimeoutMs: 1000,
      logger,
    });
    const wrongDatabase = new SqlKpiSource({
      connection: {
        ...postgres.parts(),
        password,
        database: 'ibias_no_such_database',
      },
      statementTimeoutMs: 1000,
      logger,
    });
    try {
      const [a] = await unreachable.values(sqlKpi('select 1'), MONTHS);
      const [b] = await wrongDatabase.values(sqlKpi('select 1'), MONTHS);
      expect(a.reason).toMatch(/^the SQL database is unreachable \(/);
      expect(b.reason).toBe(
        'the SQL database is unreachable (database "ibias_no_such_database" does not exist)',
      );
      for (const text of [a.reason, b.reason, ...warnings()]) {
        expect(text).not.toContain(password);
        expect(text).not.toContain('postgresql://');
      }
      expect(warnings().some(w => w.includes('unreachable'))).toBe(true);
      // What /health asks: the real source answers, the others do not.
      await expect(source.ping()).resolves.toBeUndefined();
      await expect(unreachable.ping()).rejects.toThrow();
      await expect(wrongDatabase.ping()).rejects.toThrow();
    } finally {
      await unreachable.close();
      await wrongDatabase.close();
    }
  });
});
