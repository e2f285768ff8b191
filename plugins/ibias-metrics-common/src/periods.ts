/**
 * Reporting periods, in UTC: day, week (Monday to Monday, ISO 8601), month and quarter.
 * A period is half-open, [start, end). The period that holds "now" is partial: it is
 * labelled (today, WTD, MTD, QTD) and compared with the same elapsed part of the period
 * before it, never with the whole of it.
 */
export const PERIOD_KINDS = ['day', 'week', 'month', 'quarter'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface Period {
  kind: PeriodKind;
  /** ISO 8601, inclusive. */
  start: string;
  /** ISO 8601, exclusive. */
  end: string;
  /** Set when "now" lies inside the period: the period is measured up to this instant. */
  asOf?: string;
}

const DAY = 86_400_000;

/** The start (UTC) of the period of `kind` that holds `at`. */
export function periodStart(kind: PeriodKind, at: Date): Date {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  switch (kind) {
    case 'day':
      return new Date(Date.UTC(y, m, d));
    case 'week': {
      const weekday = (at.getUTCDay() + 6) % 7; // Monday is 0
      return new Date(Date.UTC(y, m, d - weekday));
    }
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    default:
      throw new Error(`Unknown period kind ${kind satisfies never}`);
  }
}

/** The start of the period `n` periods after the one starting at `start` (n may be < 0). */
export function addPeriods(kind: PeriodKind, start: Date, n: number): Date {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  const d = start.getUTCDate();
  switch (kind) {
    case 'day':
      return new Date(Date.UTC(y, m, d + n));
    case 'week':
      return new Date(Date.UTC(y, m, d + 7 * n));
    case 'month':
      return new Date(Date.UTC(y, m + n, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m + 3 * n, 1));
    default:
      throw new Error(`Unknown period kind ${kind satisfies never}`);
  }
}

/** The period of `kind` that holds `at`, partial (with `asOf`) when it holds `now`. */
export function periodAt(kind: PeriodKind, at: Date, now: Date): Period {
  const start = periodStart(kind, at);
  const end = addPeriods(kind, start, 1);
  const period: Period = {
    kind,
    start: start.toISOString(),
    end: end.toISOString(),
  };
  if (now >= start && now < end) period.asOf = now.toISOString();
  return period;
}

/**
 * The last `count` periods of `kind` up to and including the one that holds `now`, oldest
 * first. The last one is partial; when `now` is exactly a period boundary it is the period
 * that has just begun (an instant at a boundary belongs to the new period).
 */
export function recentPeriods(
  kind: PeriodKind,
  count: number,
  now: Date,
): Period[] {
  const current = periodStart(kind, now);
  const periods: Period[] = [];
  for (let i = count - 1; i >= 0; i--) {
    periods.push(periodAt(kind, addPeriods(kind, current, -i), now));
  }
  return periods;
}

/** The label of a partial period: "today", "WTD", "MTD" or "QTD"; undefined when whole. */
export function partialLabel(period: Period): string | undefined {
  if (!period.asOf) return undefined;
  return { day: 'today', week: 'WTD', month: 'MTD', quarter: 'QTD' }[
    period.kind
  ];
}

/** The instant a period is measured at: `asOf` when partial, else its end. */
export function measuredAt(period: Period): Date {
  return new Date(period.asOf ?? period.end);
}

/**
 * The period a period is compared with: the one before it, cut to the same elapsed time
 * when the period is partial (the first 5 days of this month against the first 5 days of
 * the last). The elapsed time is capped at the previous period's length (March 31 against
 * February's end).
 */
export function comparisonPeriod(period: Period): Period {
  const start = new Date(period.start);
  const previousStart = addPeriods(period.kind, start, -1);
  const previous: Period = {
    kind: period.kind,
    start: previousStart.toISOString(),
    end: start.toISOString(),
  };
  if (!period.asOf) return previous;
  const elapsed = new Date(period.asOf).getTime() - start.getTime();
  const cut = Math.min(previousStart.getTime() + elapsed, start.getTime());
  return { ...previous, asOf: new Date(cut).toISOString() };
}

/** How many days a period covers up to when it is measured (partial periods count less). */
export function measuredDays(period: Period): number {
  return (
    (measuredAt(period).getTime() - new Date(period.start).getTime()) / DAY
  );
}

/** The periods of `kind` that intersect [from, to), oldest first, each partial if it holds `now`. */
export function periodsBetween(
  kind: PeriodKind,
  from: Date,
  to: Date,
  now: Date,
): Period[] {
  const periods: Period[] = [];
  for (
    let start = periodStart(kind, from);
    start < to && start <= now;
    start = addPeriods(kind, start, 1)
  ) {
    periods.push(periodAt(kind, start, now));
  }
  return periods;
}
