import {
  isConnectionError,
  NO_TABLE,
  sqlOperation,
  sqlTable,
} from './sqlLabels';

describe('sqlOperation and sqlTable', () => {
  it.each([
    ['select * from `widgets` where `id` = ?', 'select', 'widgets'],
    ['SELECT count(*) FROM "public"."ibias_kpis"', 'select', 'ibias_kpis'],
    ['insert into "alerts" ("id") values ($1)', 'insert', 'alerts'],
    ['  update `alerts` set `status` = ?', 'update', 'alerts'],
    ['delete from [dbo].[events] where id = 1', 'delete', 'events'],
    ['(select a from t1) union (select b from t2)', 'select', 't1'],
    ['with x as (select 1) select * from x', 'other', 'x'],
    ['create table "widgets" ("id" integer)', 'other', NO_TABLE],
    ['select 1', 'select', NO_TABLE],
    ['', 'other', NO_TABLE],
  ])('%p is %p on %p', (sql, operation, table) => {
    expect(sqlOperation(sql)).toBe(operation);
    expect(sqlTable(sql)).toBe(table);
  });
});

describe('isConnectionError', () => {
  const withCode = (code: string, message = 'failed') =>
    Object.assign(new Error(message), { code });

  it.each([
    [withCode('ECONNREFUSED'), true],
    [withCode('ECONNRESET'), true],
    [withCode('57P01'), true],
    [withCode('08006'), true],
    [new Error('Connection terminated unexpectedly'), true],
    [withCode('40001'), false],
    [withCode('40P01'), false],
    [withCode('SQLITE_BUSY'), false],
    [withCode('42P01', 'relation "nope" does not exist'), false],
    [new Error('SQLITE_ERROR: no such table: nope'), false],
    [undefined, false],
  ])('%p → %p', (error, expected) => {
    expect(isConnectionError(error)).toBe(expected);
  });
});
