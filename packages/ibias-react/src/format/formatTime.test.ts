import {
  formatDuration,
  formatPeriodStart,
  formatUtcDate,
  formatUtcTime,
  isStale,
} from './formatTime';

describe('formatUtcTime', () => {
  it.each([
    ['2026-12-06T16:00:00.000Z', '6 Dec 2026, 16:00 UTC'],
    ['2026-01-31T23:59:59Z', '31 Jan 2026, 23:59 UTC'],
    // an offset is converted, not dropped
    ['2026-03-01T01:30:00+02:00', '28 Feb 2026, 23:30 UTC'],
    ['not a time', 'not a time'],
  ])('%s → %s', (iso, expected) => {
    expect(formatUtcTime(iso)).toBe(expected);
  });
});

describe('formatUtcDate', () => {
  it.each<[string | number, string]>([
    ['2026-12-06T23:00:00Z', '6 Dec 2026'],
    [Date.UTC(2025, 6, 1), '1 Jul 2025'],
  ])('%s → %s', (at, expected) => {
    expect(formatUtcDate(at)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [172_800_000, '2 d'],
    [129_600_000, '36 h'],
    [900_000, '15 min'],
    [90_000, '90 s'],
    [100_000_000, '1 d'],
    [250, '250 ms'],
  ])('%d → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('isStale', () => {
  const now = new Date('2026-12-06T16:00:00Z');
  const twoDays = 172_800_000;
  it.each<[string | undefined, number | undefined, boolean]>([
    ['2026-12-05T16:00:00Z', twoDays, false],
    ['2026-12-04T16:00:00Z', twoDays, false], // exactly as old as allowed
    ['2026-12-04T15:59:59Z', twoDays, true],
    [undefined, twoDays, false],
    ['2026-01-01T00:00:00Z', undefined, false],
    ['garbage', twoDays, true],
  ])('%s, freshness %p → %p', (asOf, freshness, expected) => {
    expect(isStale(asOf, freshness, now)).toBe(expected);
  });
});

describe('formatPeriodStart', () => {
  it.each<
    [
      string,
      'minute' | 'day' | 'week' | 'month' | 'quarter' | undefined,
      string,
      string,
    ]
  >([
    ['2026-12-06T19:05:30Z', 'minute', '19:05', '6 Dec 2026 19:05 UTC'],
    ['2026-12-06T00:00:00Z', 'day', '6 Dec', '6 Dec 2026'],
    ['2026-11-30T00:00:00Z', 'week', '30 Nov', 'Week of 30 Nov 2026'],
    ['2026-12-01T00:00:00Z', 'month', 'Dec 2026', 'Dec 2026'],
    ['2026-10-01T00:00:00Z', 'quarter', 'Q4 2026', 'Q4 2026'],
    ['2026-01-01T00:00:00Z', 'quarter', 'Q1 2026', 'Q1 2026'],
    ['2026-12-06T00:00:00Z', undefined, '6 Dec', '6 Dec 2026'],
  ])('%s per %s', (at, granularity, tick, full) => {
    expect(formatPeriodStart(at, granularity, 'tick')).toBe(tick);
    expect(formatPeriodStart(Date.parse(at), granularity, 'full')).toBe(full);
  });
});
