import { lazy } from 'react';
import { ChartFrame } from '../../charts/ChartFrame';
import type { ChartBaseProps } from '../../charts/chartTypes';

export type StackedBarChartProps = ChartBaseProps;

// recharts is loaded on first use, in its own chunk (see TrendChart).
const LazyStackedBarChartImpl = lazy(() =>
  import('./StackedBarChartImpl').then(m => ({
    default: m.StackedBarChartImpl,
  })),
);

/**
 * One bar per period, stacked by series: e.g. AI cost by provider per month. A `null`
 * value adds nothing to its bar and a period without values has no bar (not a bar of 0).
 * Loaded lazily like TrendChart, with the same skeleton and empty state.
 */
export function StackedBarChart(props: StackedBarChartProps) {
  return (
    <ChartFrame {...props}>
      <LazyStackedBarChartImpl {...props} />
    </ChartFrame>
  );
}
