import type { KpiUnit } from '../format/formatKpiValue';
import type { Granularity } from '../components/TimeRangePicker/timeRanges';

/** One point in time and the value of each series there; `null` or absent is a gap. */
export interface TrendPoint {
  /** The start of the period, ISO 8601 (UTC). */
  x: string;
  values: Readonly<Record<string, number | null | undefined>>;
}

/** A line (or a stack of bars) and its name in the legend and tooltip. */
export interface TrendSeries {
  /** The key in each point's `values`. */
  key: string;
  label: string;
  /** A theme variable such as 'var(--bui-fg-announcement)'; from the chart palette unless given. */
  color?: string;
  /** Draw dashed (a forecast, a plan). */
  dashed?: boolean;
}

/** A moment worth seeing against the trend, e.g. a deploy: a vertical line and a label. */
export interface TrendMarker {
  /** ISO 8601. */
  at: string;
  label: string;
  /** Where the label links to (the deployment, the incident). */
  href?: string;
}

/** A horizontal line at a value, e.g. a KPI's target or alert threshold. */
export interface TrendThreshold {
  value: number;
  label: string;
  tone?: 'success' | 'warning' | 'error' | 'neutral';
}

/** What every chart of the package takes. */
export interface ChartBaseProps {
  /** The chart's accessible name (and its SVG title). */
  title: string;
  /** A sentence for screen readers on what the chart shows; a summary of the data follows. */
  description?: string;
  data: ReadonlyArray<TrendPoint>;
  series: ReadonlyArray<TrendSeries>;
  /** The unit of every series (axis, tooltip and summary use formatKpiValue). */
  unit: KpiUnit;
  /** What one point covers; sets how dates read. */
  /** What a point covers; `minute` labels ticks with the UTC time of day. */
  granularity?: Granularity | 'minute';
  /** Height in px, the same while loading; 240 unless given. */
  height?: number;
  /** What to say when no series has a value; "No data in this range" unless given. */
  emptyMessage?: string;
  'data-testid'?: string;
}
