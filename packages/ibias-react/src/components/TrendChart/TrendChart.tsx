import { lazy } from 'react';
import { ChartFrame } from '../../charts/ChartFrame';
import type {
  ChartBaseProps,
  TrendMarker,
  TrendThreshold,
} from '../../charts/chartTypes';

export interface TrendChartProps extends ChartBaseProps {
  /** Vertical lines with labels, e.g. deploys; a label with `href` is a link. */
  markers?: ReadonlyArray<TrendMarker>;
  /** Horizontal lines, e.g. the target and the alert threshold. */
  thresholds?: ReadonlyArray<TrendThreshold>;
}

// recharts is big: it is loaded on first use, in its own chunk, so pages paint first.
const LazyTrendChartImpl = lazy(() =>
  import('./TrendChartImpl').then(m => ({ default: m.TrendChartImpl })),
);

/**
 * Series over time as lines (recharts, loaded lazily). A `null` value is a gap in the
 * line, never a drop to 0; markers (deploys) and thresholds (targets) are drawn over it.
 * While recharts loads, a skeleton of the same height stands in; with no values at all,
 * an empty state.
 */
export function TrendChart(props: TrendChartProps) {
  return (
    <ChartFrame {...props}>
      <LazyTrendChartImpl {...props} />
    </ChartFrame>
  );
}
