/** One UTC day's cost. */
export interface DailyCost {
  /** YYYY-MM-DD (UTC). */
  day: string;
  costMicros: number;
}

export type MonthEndForecast =
  | {
      available: true;
      /** Spent this month so far (today included). */
      actualMicros: number;
      /** Actual plus what the rest of the month is expected to cost. */
      forecastMicros: number;
      /** The forecast's band (about 95 %): never below what was already spent. */
      lowMicros: number;
      highMicros: number;
      /** The smoothed daily rate (before day-of-week factors). */
      dailyRateMicros: number;
      /** Monday … Sunday, when there were 14 days of data; else all 1. */
      weekdayFactors: number[];
      method: string;
    }
  | { available: false; reason: string };

/** How much a day's cost moves the smoothed rate. */
export const EWMA_ALPHA = 0.3;
/** The first day of the month with a forecast. */
export const FIRST_FORECAST_DAY = 3;
/** Days of data before the forecast weighs weekdays. */
export const WEEKDAY_FACTOR_DAYS = 14;

const DAY_MS = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
/** Monday 0 … Sunday 6. */
const weekday = (ms: number) => (new Date(ms).getUTCDay() + 6) % 7;

/**
 * Each weekday's cost relative to the average day, from whole weeks of history (the last
 * eight at most), or all 1 with less than 14 days. A weekday without cost gets a small
 * factor, not 0, so the smoothed rate never divides by 0.
 */
export function weekdayFactors(days: ReadonlyArray<DailyCost>): number[] {
  if (days.length < WEEKDAY_FACTOR_DAYS) return [1, 1, 1, 1, 1, 1, 1];
  const recent = days.slice(-56);
  const sums = [0, 0, 0, 0, 0, 0, 0];
  const counts = [0, 0, 0, 0, 0, 0, 0];
  for (const d of recent) {
    const w = weekday(dayMs(d.day));
    sums[w] += d.costMicros;
    counts[w] += 1;
  }
  const means = sums.map((s, i) => (counts[i] ? s / counts[i] : 0));
  const overall = means.reduce((a, b) => a + b, 0) / 7;
  if (overall <= 0) return [1, 1, 1, 1, 1, 1, 1];
  return means.map(m => Math.max(m / overall, 0.05));
}

/**
 * The month-end forecast at `now`: what was spent this month so far, plus each remaining
 * day at a smoothed daily rate (an EWMA of the complete days before today, taken with the
 * weekday's effect removed) times that weekday's factor. None before day 3 of the month.
 * The band widens with the one-step errors of the smoothing and the days left.
 * `days` holds complete and partial UTC days, oldest first, without gaps (a day with no
 * calls is 0); today's entry, if any, is what it cost so far.
 */
export function forecastMonthEnd(
  days: ReadonlyArray<DailyCost>,
  now: Date,
  alpha = EWMA_ALPHA,
): MonthEndForecast {
  const dayOfMonth = now.getUTCDate();
  if (dayOfMonth < FIRST_FORECAST_DAY) {
    return {
      available: false,
      reason: `the forecast starts on day ${FIRST_FORECAST_DAY} of the month`,
    };
  }
  const today = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate(),
  );
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const complete = days.filter(d => dayMs(d.day) < today);
  if (complete.length === 0) {
    return { available: false, reason: 'no complete day of data yet' };
  }
  const actualMicros = days
    .filter(d => dayMs(d.day) >= monthStart && dayMs(d.day) <= today)
    .reduce((sum, d) => sum + d.costMicros, 0);

  const factors = weekdayFactors(complete);
  let rate: number | undefined;
  let squaredErrors = 0;
  let errors = 0;
  for (const d of complete) {
    const value = d.costMicros / factors[weekday(dayMs(d.day))];
    if (rate === undefined) {
      rate = value;
      continue;
    }
    squaredErrors += (value - rate) ** 2;
    errors += 1;
    rate = alpha * value + (1 - alpha) * rate;
  }
  const dailyRate = rate ?? 0;
  // Today's rest (by the hour), then each whole day to the month's end.
  const todayLeft = (today + DAY_MS - now.getTime()) / DAY_MS;
  let expected = dailyRate * factors[weekday(today)] * todayLeft;
  let daysLeft = todayLeft;
  for (let t = today + DAY_MS; t < monthEnd; t += DAY_MS) {
    expected += dailyRate * factors[weekday(t)];
    daysLeft += 1;
  }
  const sigma = errors > 0 ? Math.sqrt(squaredErrors / errors) : dailyRate;
  const spread = 1.96 * sigma * Math.sqrt(daysLeft);
  const forecastMicros = Math.round(actualMicros + expected);
  return {
    available: true,
    actualMicros,
    forecastMicros,
    lowMicros: Math.round(Math.max(actualMicros, forecastMicros - spread)),
    highMicros: Math.round(forecastMicros + spread),
    dailyRateMicros: Math.round(dailyRate),
    weekdayFactors: factors,
    method:
      `spent so far + the remaining ${daysLeft.toFixed(
        1,
      )} days × an EWMA (α ${alpha}) ` +
      `of the daily cost${
        complete.length >= WEEKDAY_FACTOR_DAYS
          ? ', weighted by weekday'
          : ' (weekday factors after 14 days of data)'
      }`,
  };
}

/** Mean absolute percentage error of forecasts against what happened (actual 0 skipped). */
export function meanAbsolutePercentageError(
  pairs: ReadonlyArray<{ forecast: number; actual: number }>,
): number | undefined {
  const usable = pairs.filter(p => p.actual !== 0);
  if (usable.length === 0) return undefined;
  return (
    usable.reduce(
      (sum, p) => sum + Math.abs((p.forecast - p.actual) / p.actual),
      0,
    ) / usable.length
  );
}

/**
 * The forecast backtested on a history: for every whole month in it, the forecast at the
 * end of each day from day 3 on against the month's real total. Returns the pairs (for
 * the MAPE) by day of month.
 */
export function backtestMonthEnd(days: ReadonlyArray<DailyCost>): Array<{
  month: string;
  dayOfMonth: number;
  forecast: number;
  actual: number;
}> {
  const byMonth = new Map<string, DailyCost[]>();
  for (const d of days) {
    const month = d.day.slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), d]);
  }
  const out: Array<{
    month: string;
    dayOfMonth: number;
    forecast: number;
    actual: number;
  }> = [];
  for (const [month, monthDays] of byMonth) {
    const first = dayMs(`${month}-01`);
    const [y, m] = month.split('-').map(Number);
    const length = new Date(Date.UTC(y, m, 0)).getUTCDate();
    // Only whole months: every day present.
    if (monthDays.length !== length) continue;
    const actual = monthDays.reduce((s, d) => s + d.costMicros, 0);
    for (let dom = FIRST_FORECAST_DAY; dom <= length; dom++) {
      // The end of day `dom` (a moment before midnight): that day is spent whole.
      const now = new Date(first + dom * DAY_MS - 1);
      const known = days.filter(d => dayMs(d.day) < first + dom * DAY_MS);
      const f = forecastMonthEnd(known, now);
      if (f.available) {
        out.push({
          month,
          dayOfMonth: dom,
          forecast: f.forecastMicros,
          actual,
        });
      }
    }
  }
  return out;
}
