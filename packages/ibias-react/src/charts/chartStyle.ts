import type { CSSProperties } from 'react';
import { formatKpiValue } from '../format/formatKpiValue';
import { formatPeriodStart } from '../format/formatTime';
import type { ChartBaseProps, TrendSeries, TrendThreshold } from './chartTypes';

/**
 * Series colours, all theme variables so the dark theme works. Distinct in both themes;
 * pass a series' own `color` when one means something (a provider's brand, a status).
 */
export const SERIES_COLORS = [
  'var(--bui-accent-bg)',
  'var(--bui-fg-warning)',
  'var(--bui-fg-positive)',
  'var(--bui-fg-announcement)',
  'var(--bui-fg-negative)',
  'var(--bui-fg-secondary)',
] as const;

export function seriesColor(series: TrendSeries, index: number): string {
  return series.color ?? SERIES_COLORS[index % SERIES_COLORS.length];
}

export const THRESHOLD_COLORS: Record<
  NonNullable<TrendThreshold['tone']>,
  string
> = {
  success: 'var(--bui-fg-positive)',
  warning: 'var(--bui-fg-warning)',
  error: 'var(--bui-fg-negative)',
  neutral: 'var(--bui-fg-secondary)',
};

export const AXIS_STYLE = {
  stroke: 'var(--bui-border-2)',
  tick: { fill: 'var(--bui-fg-secondary)', fontSize: 12 },
};

export const GRID_STROKE = 'var(--bui-border-1)';

export const TOOLTIP_CONTENT_STYLE: CSSProperties = {
  background: 'var(--bui-bg-neutral-1)',
  border: '1px solid var(--bui-border-1)',
  borderRadius: 'var(--bui-radius-2)',
  color: 'var(--bui-fg-primary)',
  fontSize: 'var(--bui-font-size-2)',
};

export const LEGEND_STYLE: CSSProperties = {
  color: 'var(--bui-fg-secondary)',
  fontSize: 'var(--bui-font-size-2)',
};

export const DEFAULT_CHART_HEIGHT = 240;

/** At most this many date ticks, so labels do not overlap on a narrow card. */
const MAX_TICKS = 8;

/** Every k-th x value, k chosen so that at most MAX_TICKS remain; the last is kept. */
export function thinTicks(xs: ReadonlyArray<number>): number[] {
  if (xs.length <= MAX_TICKS) return [...xs];
  const step = Math.ceil(xs.length / MAX_TICKS);
  const ticks = xs.filter((_, i) => (xs.length - 1 - i) % step === 0);
  return ticks;
}

/** Whether any series has any value: a chart of nothing is an empty state, not a flat 0. */
export function hasAnyValue(props: Pick<ChartBaseProps, 'data' | 'series'>) {
  return props.data.some(point =>
    props.series.some(s => {
      const v = point.values[s.key];
      return typeof v === 'number' && Number.isFinite(v);
    }),
  );
}

/**
 * The data in words, for screen readers (a chart is a picture): per series, its first
 * and last values with their dates, and how many periods have no value.
 */
export function describeTrend(props: ChartBaseProps): string {
  const parts = props.series.map(s => {
    const known = props.data.filter(p => {
      const v = p.values[s.key];
      return typeof v === 'number' && Number.isFinite(v);
    });
    if (known.length === 0) return `${s.label}: no data`;
    const when = (p: (typeof known)[number]) =>
      formatPeriodStart(p.x, props.granularity, 'full');
    const what = (p: (typeof known)[number]) =>
      formatKpiValue(p.values[s.key], props.unit);
    const first = known[0];
    const last = known[known.length - 1];
    const missing = props.data.length - known.length;
    const gaps = missing > 0 ? ` (${missing} without data)` : '';
    return known.length === 1
      ? `${s.label}: ${what(first)} in ${when(first)}${gaps}`
      : `${s.label}: ${what(first)} in ${when(first)} to ${what(
          last,
        )} in ${when(last)}${gaps}`;
  });
  return `${parts.join('. ')}.`;
}
