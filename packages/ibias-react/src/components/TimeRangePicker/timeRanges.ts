/** The ranges a page offers, from the last week to the last two years. */
export const TIME_RANGE_PRESETS = ['7d', '30d', '90d', '12m', '24m'] as const;
export type TimeRangePreset = (typeof TIME_RANGE_PRESETS)[number];

/**
 * What one point of a series covers. The same names as `PeriodKind` in
 * `@internal/plugin-ibias-metrics-common` (UTC; weeks start on Monday).
 */
export const GRANULARITIES = ['day', 'week', 'month', 'quarter'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** A range and what each of its points covers, e.g. the last 12 months by month. */
export interface TimeRange {
  preset: TimeRangePreset;
  granularity: Granularity;
}

interface PresetSpec {
  label: string;
  length: { days: number } | { months: number };
  /** Those that give at least two points and at most a few hundred. */
  granularities: readonly Granularity[];
  granularity: Granularity;
}

const PRESETS: Record<TimeRangePreset, PresetSpec> = {
  '7d': {
    label: 'Last 7 days',
    length: { days: 7 },
    granularities: ['day'],
    granularity: 'day',
  },
  '30d': {
    label: 'Last 30 days',
    length: { days: 30 },
    granularities: ['day', 'week'],
    granularity: 'day',
  },
  '90d': {
    label: 'Last 90 days',
    length: { days: 90 },
    granularities: ['day', 'week', 'month'],
    granularity: 'week',
  },
  '12m': {
    label: 'Last 12 months',
    length: { months: 12 },
    granularities: ['week', 'month', 'quarter'],
    granularity: 'month',
  },
  '24m': {
    label: 'Last 24 months',
    length: { months: 24 },
    granularities: ['week', 'month', 'quarter'],
    granularity: 'month',
  },
};

const GRANULARITY_LABELS: Record<Granularity, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  quarter: 'Quarter',
};

export const DEFAULT_TIME_RANGE: TimeRange = {
  preset: '12m',
  granularity: 'month',
};

export const presetLabel = (preset: TimeRangePreset) => PRESETS[preset].label;
export const granularityLabel = (granularity: Granularity) =>
  GRANULARITY_LABELS[granularity];

/** The granularities that make sense for a range (quarters of a week do not). */
export const granularitiesFor = (preset: TimeRangePreset) =>
  PRESETS[preset].granularities;

export function isTimeRangePreset(value: unknown): value is TimeRangePreset {
  return TIME_RANGE_PRESETS.some(p => p === value);
}

export function isGranularity(value: unknown): value is Granularity {
  return GRANULARITIES.some(g => g === value);
}

/**
 * A range from untrusted text (a URL): an unknown preset falls back, and a granularity
 * that does not suit the preset becomes the preset's usual one.
 */
export function toTimeRange(
  preset: string | null | undefined,
  granularity: string | null | undefined,
  fallback: TimeRange = DEFAULT_TIME_RANGE,
): TimeRange {
  const p = isTimeRangePreset(preset) ? preset : fallback.preset;
  const g = isGranularity(granularity) ? granularity : fallback.granularity;
  return {
    preset: p,
    granularity: PRESETS[p].granularities.includes(g)
      ? g
      : PRESETS[p].granularity,
  };
}

/** The range with another preset; the granularity stays when it suits the new preset. */
export function withPreset(
  range: TimeRange,
  preset: TimeRangePreset,
): TimeRange {
  return toTimeRange(preset, range.granularity);
}

/**
 * The instants a preset covers up to `now`, ISO 8601 UTC, [from, to). "Last 12 months"
 * on 31 March starts on 31 March a year before; from 29 February it starts on the 28th
 * (the day is clamped to the month's length, not carried into the next month).
 */
export function timeRangeBounds(
  preset: TimeRangePreset,
  now: Date,
): { from: string; to: string } {
  const length = PRESETS[preset].length;
  let from: Date;
  if ('days' in length) {
    from = new Date(now.getTime() - length.days * 86_400_000);
  } else {
    const totalMonths =
      now.getUTCFullYear() * 12 + now.getUTCMonth() - length.months;
    const year = Math.floor(totalMonths / 12);
    const month = totalMonths % 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    from = new Date(
      Date.UTC(
        year,
        month,
        Math.min(now.getUTCDate(), lastDay),
        now.getUTCHours(),
        now.getUTCMinutes(),
        now.getUTCSeconds(),
        now.getUTCMilliseconds(),
      ),
    );
  }
  return { from: from.toISOString(), to: now.toISOString() };
}
