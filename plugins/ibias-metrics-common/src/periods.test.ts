import {
  addPeriods,
  comparisonPeriod,
  measuredAt,
  measuredDays,
  partialLabel,
  Period,
  PeriodKind,
  periodAt,
  periodsBetween,
  periodStart,
  recentPeriods,
} from './periods';

const at = (iso: string) => new Date(iso);

describe('periodStart', () => {
  // Weekdays checked from 2024-01-01, a Monday.
  it.each<[PeriodKind, string, string]>([
    ['day', '2024-03-15T13:45:10.123Z', '2024-03-15T00:00:00.000Z'],
    ['day', '2024-03-15T00:00:00.000Z', '2024-03-15T00:00:00.000Z'],
    ['day', '2024-03-14T23:59:59.999Z', '2024-03-14T00:00:00.000Z'],
    // Wednesday 13 March → Monday 11 March
    ['week', '2024-03-13T10:00:00.000Z', '2024-03-11T00:00:00.000Z'],
    // a Monday at midnight starts its own week
    ['week', '2024-03-11T00:00:00.000Z', '2024-03-11T00:00:00.000Z'],
    // Sunday is the last day of the ISO week, not the first
    ['week', '2024-03-17T23:59:59.999Z', '2024-03-11T00:00:00.000Z'],
    // Wednesday 1 January 2025 → Monday 30 December 2024 (year boundary)
    ['week', '2025-01-01T08:00:00.000Z', '2024-12-30T00:00:00.000Z'],
    // Sunday 1 January 2023 → Monday 26 December 2022
    ['week', '2023-01-01T12:00:00.000Z', '2022-12-26T00:00:00.000Z'],
    ['month', '2024-02-29T23:59:59.999Z', '2024-02-01T00:00:00.000Z'],
    ['month', '2024-03-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['quarter', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
    ['quarter', '2024-03-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z'],
    // an instant exactly at a boundary belongs to the new period
    ['quarter', '2024-04-01T00:00:00.000Z', '2024-04-01T00:00:00.000Z'],
    ['quarter', '2024-05-20T09:30:00.000Z', '2024-04-01T00:00:00.000Z'],
    ['quarter', '2024-09-30T12:00:00.000Z', '2024-07-01T00:00:00.000Z'],
    ['quarter', '2024-12-31T23:59:59.999Z', '2024-10-01T00:00:00.000Z'],
  ])('%s holding %s starts %s', (kind, instant, expected) => {
    expect(periodStart(kind, at(instant)).toISOString()).toBe(expected);
  });
});

describe('addPeriods', () => {
  it.each<[PeriodKind, string, number, string]>([
    // 28 February of a leap year + 1 day = 29 February
    ['day', '2024-02-28T00:00:00.000Z', 1, '2024-02-29T00:00:00.000Z'],
    ['day', '2024-02-28T00:00:00.000Z', 2, '2024-03-01T00:00:00.000Z'],
    ['day', '2024-01-01T00:00:00.000Z', -1, '2023-12-31T00:00:00.000Z'],
    ['week', '2024-12-30T00:00:00.000Z', 1, '2025-01-06T00:00:00.000Z'],
    ['week', '2024-01-01T00:00:00.000Z', -1, '2023-12-25T00:00:00.000Z'],
    ['month', '2024-01-01T00:00:00.000Z', 1, '2024-02-01T00:00:00.000Z'],
    ['month', '2024-01-01T00:00:00.000Z', -1, '2023-12-01T00:00:00.000Z'],
    ['month', '2024-11-01T00:00:00.000Z', 3, '2025-02-01T00:00:00.000Z'],
    ['quarter', '2024-01-01T00:00:00.000Z', -1, '2023-10-01T00:00:00.000Z'],
    ['quarter', '2024-10-01T00:00:00.000Z', 1, '2025-01-01T00:00:00.000Z'],
    ['quarter', '2024-04-01T00:00:00.000Z', 0, '2024-04-01T00:00:00.000Z'],
  ])('%s: %s %+d → %s', (kind, start, n, expected) => {
    expect(addPeriods(kind, at(start), n).toISOString()).toBe(expected);
  });
});

describe('periodAt', () => {
  it.each<[string, PeriodKind, string, string, Period]>([
    [
      'a past month is whole',
      'month',
      '2024-02-10T00:00:00.000Z',
      '2024-03-05T12:00:00.000Z',
      {
        kind: 'month',
        start: '2024-02-01T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
      },
    ],
    [
      'the month holding now is partial, as of now',
      'month',
      '2024-03-02T00:00:00.000Z',
      '2024-03-05T12:00:00.000Z',
      {
        kind: 'month',
        start: '2024-03-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
        asOf: '2024-03-05T12:00:00.000Z',
      },
    ],
    [
      'a month that ends exactly at now is whole (its end is exclusive)',
      'month',
      '2024-02-10T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
      {
        kind: 'month',
        start: '2024-02-01T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
      },
    ],
    [
      'a future week has no asOf',
      'week',
      '2024-03-20T00:00:00.000Z',
      '2024-03-13T00:00:00.000Z',
      {
        kind: 'week',
        start: '2024-03-18T00:00:00.000Z',
        end: '2024-03-25T00:00:00.000Z',
      },
    ],
  ])('%s', (_name, kind, instant, now, expected) => {
    expect(periodAt(kind, at(instant), at(now))).toEqual(expected);
  });
});

describe('partialLabel', () => {
  it.each<[PeriodKind, string]>([
    ['day', 'today'],
    ['week', 'WTD'],
    ['month', 'MTD'],
    ['quarter', 'QTD'],
  ])('a partial %s is labelled %s, a whole one is not', (kind, label) => {
    const now = at('2024-03-13T12:00:00.000Z');
    expect(partialLabel(periodAt(kind, now, now))).toBe(label);
    const past = addPeriods(kind, periodStart(kind, now), -1);
    expect(partialLabel(periodAt(kind, past, now))).toBeUndefined();
  });
});

describe('comparisonPeriod', () => {
  it.each<[string, Period, Period]>([
    [
      'a whole month is compared with the whole month before',
      {
        kind: 'month',
        start: '2024-03-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
      },
      {
        kind: 'month',
        start: '2024-02-01T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
      },
    ],
    [
      // elapsed 4 d 12 h → 1 Feb + 4 d 12 h = 5 Feb 12:00
      'MTD on 5 March noon against 1–5 February noon',
      {
        kind: 'month',
        start: '2024-03-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
        asOf: '2024-03-05T12:00:00.000Z',
      },
      {
        kind: 'month',
        start: '2024-02-01T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
        asOf: '2024-02-05T12:00:00.000Z',
      },
    ],
    [
      // elapsed 28 d 12 h < 29 d of February 2024 → 29 Feb 12:00, no cap
      'MTD on 29 March noon against 29 February noon (leap year)',
      {
        kind: 'month',
        start: '2024-03-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
        asOf: '2024-03-29T12:00:00.000Z',
      },
      {
        kind: 'month',
        start: '2024-02-01T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
        asOf: '2024-02-29T12:00:00.000Z',
      },
    ],
    [
      // elapsed 30 d 12 h > 29 d of February 2024 → capped at February's end
      'MTD on 31 March against the whole of February (capped)',
      {
        kind: 'month',
        start: '2024-03-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
        asOf: '2024-03-31T12:00:00.000Z',
      },
      {
        kind: 'month',
        start: '2024-02-01T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
        asOf: '2024-03-01T00:00:00.000Z',
      },
    ],
    [
      // elapsed 29 d > 28 d of February 2023 → capped
      'MTD on 30 March 2023 against the whole of February (not a leap year)',
      {
        kind: 'month',
        start: '2023-03-01T00:00:00.000Z',
        end: '2023-04-01T00:00:00.000Z',
        asOf: '2023-03-30T00:00:00.000Z',
      },
      {
        kind: 'month',
        start: '2023-02-01T00:00:00.000Z',
        end: '2023-03-01T00:00:00.000Z',
        asOf: '2023-03-01T00:00:00.000Z',
      },
    ],
    [
      // elapsed 30 d 6 h > 30 d of April → capped
      'MTD on 31 May against the whole of April',
      {
        kind: 'month',
        start: '2024-05-01T00:00:00.000Z',
        end: '2024-06-01T00:00:00.000Z',
        asOf: '2024-05-31T06:00:00.000Z',
      },
      {
        kind: 'month',
        start: '2024-04-01T00:00:00.000Z',
        end: '2024-05-01T00:00:00.000Z',
        asOf: '2024-05-01T00:00:00.000Z',
      },
    ],
    [
      // elapsed 31 (Jan) + 14 = 45 d → 1 Oct + 45 d = 31 Oct + 14 d = 15 Nov
      'QTD on 15 February against 1 October – 15 November of the year before',
      {
        kind: 'quarter',
        start: '2024-01-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
        asOf: '2024-02-15T00:00:00.000Z',
      },
      {
        kind: 'quarter',
        start: '2023-10-01T00:00:00.000Z',
        end: '2024-01-01T00:00:00.000Z',
        asOf: '2023-11-15T00:00:00.000Z',
      },
    ],
    [
      // elapsed 31 + 31 + 29.5 = 91.5 d > Q2's 30 + 31 + 30 = 91 d → capped
      'QTD on 30 September against the whole of Q2 (capped)',
      {
        kind: 'quarter',
        start: '2024-07-01T00:00:00.000Z',
        end: '2024-10-01T00:00:00.000Z',
        asOf: '2024-09-30T12:00:00.000Z',
      },
      {
        kind: 'quarter',
        start: '2024-04-01T00:00:00.000Z',
        end: '2024-07-01T00:00:00.000Z',
        asOf: '2024-07-01T00:00:00.000Z',
      },
    ],
    [
      // Sunday 17 March 18:00 is 6 d 18 h into the week of Monday 11 March
      'WTD on a Sunday against the week before up to its Sunday',
      {
        kind: 'week',
        start: '2024-03-11T00:00:00.000Z',
        end: '2024-03-18T00:00:00.000Z',
        asOf: '2024-03-17T18:00:00.000Z',
      },
      {
        kind: 'week',
        start: '2024-03-04T00:00:00.000Z',
        end: '2024-03-11T00:00:00.000Z',
        asOf: '2024-03-10T18:00:00.000Z',
      },
    ],
    [
      // Thursday 2 January 2025 09:00 is 3 d 9 h into the week of Monday 30 December
      'WTD across a year boundary',
      {
        kind: 'week',
        start: '2024-12-30T00:00:00.000Z',
        end: '2025-01-06T00:00:00.000Z',
        asOf: '2025-01-02T09:00:00.000Z',
      },
      {
        kind: 'week',
        start: '2024-12-23T00:00:00.000Z',
        end: '2024-12-30T00:00:00.000Z',
        asOf: '2024-12-26T09:00:00.000Z',
      },
    ],
    [
      'today against yesterday up to the same time (29 February)',
      {
        kind: 'day',
        start: '2024-03-01T00:00:00.000Z',
        end: '2024-03-02T00:00:00.000Z',
        asOf: '2024-03-01T08:30:00.000Z',
      },
      {
        kind: 'day',
        start: '2024-02-29T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
        asOf: '2024-02-29T08:30:00.000Z',
      },
    ],
  ])('%s', (_name, period, expected) => {
    expect(comparisonPeriod(period)).toEqual(expected);
  });
});

describe('measuredAt and measuredDays', () => {
  it.each<[string, Period, string, number]>([
    [
      // February 2024 has 29 days
      'a whole month ends at its end',
      {
        kind: 'month',
        start: '2024-02-01T00:00:00.000Z',
        end: '2024-03-01T00:00:00.000Z',
      },
      '2024-03-01T00:00:00.000Z',
      29,
    ],
    [
      // 1 March 00:00 → 5 March 12:00 = 4.5 days
      'MTD is measured as of now',
      {
        kind: 'month',
        start: '2024-03-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
        asOf: '2024-03-05T12:00:00.000Z',
      },
      '2024-03-05T12:00:00.000Z',
      4.5,
    ],
    [
      'a whole week is 7 days',
      {
        kind: 'week',
        start: '2024-12-30T00:00:00.000Z',
        end: '2025-01-06T00:00:00.000Z',
      },
      '2025-01-06T00:00:00.000Z',
      7,
    ],
    [
      // 31 + 29 + 31 = 91 days
      'a whole leap-year Q1',
      {
        kind: 'quarter',
        start: '2024-01-01T00:00:00.000Z',
        end: '2024-04-01T00:00:00.000Z',
      },
      '2024-04-01T00:00:00.000Z',
      91,
    ],
  ])('%s', (_name, period, expectedAt, expectedDays) => {
    expect(measuredAt(period).toISOString()).toBe(expectedAt);
    expect(measuredDays(period)).toBe(expectedDays);
  });
});

describe('recentPeriods', () => {
  it.each<[string, PeriodKind, number, string, Period[]]>([
    [
      'the last three months, the current one partial',
      'month',
      3,
      '2024-03-05T12:00:00.000Z',
      [
        {
          kind: 'month',
          start: '2024-01-01T00:00:00.000Z',
          end: '2024-02-01T00:00:00.000Z',
        },
        {
          kind: 'month',
          start: '2024-02-01T00:00:00.000Z',
          end: '2024-03-01T00:00:00.000Z',
        },
        {
          kind: 'month',
          start: '2024-03-01T00:00:00.000Z',
          end: '2024-04-01T00:00:00.000Z',
          asOf: '2024-03-05T12:00:00.000Z',
        },
      ],
    ],
    [
      'quarters across a year boundary',
      'quarter',
      2,
      '2024-01-10T00:00:00.000Z',
      [
        {
          kind: 'quarter',
          start: '2023-10-01T00:00:00.000Z',
          end: '2024-01-01T00:00:00.000Z',
        },
        {
          kind: 'quarter',
          start: '2024-01-01T00:00:00.000Z',
          end: '2024-04-01T00:00:00.000Z',
          asOf: '2024-01-10T00:00:00.000Z',
        },
      ],
    ],
    [
      // now on a boundary belongs to the new period, which has just begun
      'now exactly at a boundary: the new period holds it, measured over no time yet',
      'week',
      2,
      '2024-03-11T00:00:00.000Z',
      [
        {
          kind: 'week',
          start: '2024-03-04T00:00:00.000Z',
          end: '2024-03-11T00:00:00.000Z',
        },
        {
          kind: 'week',
          start: '2024-03-11T00:00:00.000Z',
          end: '2024-03-18T00:00:00.000Z',
          asOf: '2024-03-11T00:00:00.000Z',
        },
      ],
    ],
  ])('%s', (_name, kind, count, now, expected) => {
    const periods = recentPeriods(kind, count, at(now));
    expect(periods).toEqual(expected);
    expect(measuredDays(periods[periods.length - 1])).toBe(
      (Date.parse(now) - Date.parse(expected[expected.length - 1].start)) /
        86_400_000,
    );
  });
});

describe('periodsBetween', () => {
  it.each<[string, PeriodKind, string, string, string, string[]]>([
    [
      'stops at the period holding now, which is partial',
      'month',
      '2024-01-15T00:00:00.000Z',
      '2024-06-01T00:00:00.000Z',
      '2024-03-05T12:00:00.000Z',
      [
        '2024-01-01T00:00:00.000Z',
        '2024-02-01T00:00:00.000Z',
        '2024-03-01T00:00:00.000Z (as of 2024-03-05T12:00:00.000Z)',
      ],
    ],
    [
      // `to` is exclusive: March starts at `to`, so it is left out
      'stops before `to`',
      'month',
      '2024-01-15T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
      ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z'],
    ],
    [
      'weeks from a Sunday start on the Monday before',
      'week',
      '2024-03-17T10:00:00.000Z',
      '2024-03-26T00:00:00.000Z',
      '2024-04-01T00:00:00.000Z',
      [
        '2024-03-11T00:00:00.000Z',
        '2024-03-18T00:00:00.000Z',
        '2024-03-25T00:00:00.000Z',
      ],
    ],
    [
      'nothing when `from` is after now',
      'month',
      '2024-04-10T00:00:00.000Z',
      '2024-06-01T00:00:00.000Z',
      '2024-03-05T00:00:00.000Z',
      [],
    ],
  ])('%s', (_name, kind, from, to, now, expected) => {
    expect(
      periodsBetween(kind, at(from), at(to), at(now)).map(p =>
        p.asOf ? `${p.start} (as of ${p.asOf})` : p.start,
      ),
    ).toEqual(expected);
  });
});
