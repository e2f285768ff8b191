/**
 * Shared web parts of the IBIAS plugins: KPI tiles and sparklines (plain SVG), the
 * time-range picker and URL state, CSV export, empty and error states, the charts
 * (recharts, loaded lazily in their own chunk), and `lazyApi` for API clients that load
 * on first use.
 *
 * @packageDocumentation
 */

export {
  KPI_UNITS,
  NO_VALUE,
  formatKpiValue,
  type KpiUnit,
} from './format/formatKpiValue';
export {
  describeChange,
  type KpiChange,
  type KpiDirection,
} from './format/describeChange';
export {
  formatDuration,
  formatPeriodStart,
  formatUtcDate,
  formatUtcTime,
  isStale,
} from './format/formatTime';
export { csvField, toCsv, type CsvColumn } from './csv/toCsv';
export {
  patchSearchParams,
  readUrlState,
  useTimeRangeUrlState,
  useUrlState,
  type UrlState,
  type UrlStateOptions,
} from './url/useUrlState';
export type {
  ChartBaseProps,
  TrendMarker,
  TrendPoint,
  TrendSeries,
  TrendThreshold,
} from './charts/chartTypes';
export { SERIES_COLORS } from './charts/chartStyle';

export * from './components/KpiTile';
export * from './components/Sparkline';
export * from './components/TimeRangePicker';
export * from './components/CsvExportButton';
export * from './components/TrendChart';
export * from './components/StackedBarChart';
export * from './components/EmptyState';
export * from './components/ErrorState';
export * from './components/ToneTag';
export * from './lazyApi';
