import type { Granularity } from '../components/TimeRangePicker/timeRanges';

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * An instant as "6 Dec 2026, 16:00 UTC". Always UTC, and said so: the portal's periods
 * are UTC, so a local time would put an "as of" in a different day than its period.
 */
export function formatUtcTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.getUTCDate()} ${
    MONTHS[at.getUTCMonth()]
  } ${at.getUTCFullYear()}, ${pad2(at.getUTCHours())}:${pad2(
    at.getUTCMinutes(),
  )} UTC`;
}

/** A day as "6 Dec 2026" (UTC). */
export function formatUtcDate(iso: string | number): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso);
  return `${at.getUTCDate()} ${
    MONTHS[at.getUTCMonth()]
  } ${at.getUTCFullYear()}`;
}

const DURATION_UNITS: ReadonlyArray<[ms: number, unit: string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/**
 * 172_800_000 → "2 d", 129_600_000 → "36 h", 90_000 → "90 s": the largest unit that
 * says it exactly in under 100, else the largest unit that fits, rounded.
 */
export function formatDuration(ms: number): string {
  for (const [size, unit] of DURATION_UNITS) {
    if (ms % size === 0 && ms / size >= 1 && ms / size < 100) {
      return `${ms / size} ${unit}`;
    }
  }
  for (const [size, unit] of DURATION_UNITS) {
    if (ms >= size) return `${Math.round(ms / size)} ${unit}`;
  }
  return `${ms} ms`;
}

/** Whether a value measured at `asOf` is older than `freshnessMs` at `now`. */
export function isStale(
  asOf: string | undefined,
  freshnessMs: number | undefined,
  now: Date,
): boolean {
  if (!asOf || freshnessMs === undefined) return false;
  const measured = Date.parse(asOf);
  // An unreadable time is not evidence of freshness.
  if (Number.isNaN(measured)) return true;
  return now.getTime() - measured > freshnessMs;
}

/**
 * The start of a period as an axis tick ('tick') or a tooltip's heading ('full'):
 * day "6 Dec" / "6 Dec 2026", week "6 Dec" / "Week of 6 Dec 2026", month "Dec 2026",
 * quarter "Q4 2026". Without a granularity, as a day.
 */
export function formatPeriodStart(
  at: string | number,
  granularity: Granularity | 'minute' | undefined,
  style: 'tick' | 'full',
): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  if (granularity === 'minute') {
    const hm = d.toISOString().slice(11, 16);
    return style === 'tick' ? hm : `${formatUtcDate(at)} ${hm} UTC`;
  }
  const year = d.getUTCFullYear();
  const month = MONTHS[d.getUTCMonth()];
  switch (granularity) {
    case 'quarter':
      return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${year}`;
    case 'month':
      return `${month} ${year}`;
    case 'week':
      return style === 'tick'
        ? `${d.getUTCDate()} ${month}`
        : `Week of ${formatUtcDate(at)}`;
    default:
      return style === 'tick'
        ? `${d.getUTCDate()} ${month}`
        : formatUtcDate(at);
  }
}
