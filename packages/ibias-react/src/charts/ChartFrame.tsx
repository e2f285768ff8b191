import { Suspense, type ReactNode } from 'react';
import { Skeleton, VisuallyHidden } from '@backstage/ui';
import { EmptyState } from '../components/EmptyState';
import type { ChartBaseProps } from './chartTypes';
import { DEFAULT_CHART_HEIGHT, describeTrend, hasAnyValue } from './chartStyle';

/**
 * What every chart of the package is wrapped in: a figure named by the chart's title
 * with the data in words for screen readers; an empty state when there is nothing to
 * draw (decided here, so recharts is not even loaded for it); and, while the lazily
 * loaded chart arrives, a skeleton of the same height so the page does not jump.
 */
export function ChartFrame(props: ChartBaseProps & { children: ReactNode }) {
  const height = props.height ?? DEFAULT_CHART_HEIGHT;
  const testId = props['data-testid'];
  if (!hasAnyValue(props)) {
    return (
      <EmptyState
        title={props.emptyMessage ?? 'No data in this range'}
        minHeight={height}
        data-testid={testId && `${testId}-empty`}
      />
    );
  }
  return (
    <figure
      aria-label={props.title}
      data-testid={testId}
      style={{ margin: 0, width: '100%', minHeight: height }}
    >
      <VisuallyHidden>
        {props.description ? `${props.description} ` : ''}
        {describeTrend(props)}
      </VisuallyHidden>
      <Suspense
        fallback={
          <Skeleton
            width="100%"
            height={height}
            aria-label={`Loading ${props.title}`}
            data-testid="chart-loading"
          />
        }
      >
        {props.children}
      </Suspense>
    </figure>
  );
}
