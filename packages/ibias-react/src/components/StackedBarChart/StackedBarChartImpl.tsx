import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatKpiValue } from '../../format/formatKpiValue';
import { formatPeriodStart } from '../../format/formatTime';
import {
  AXIS_STYLE,
  DEFAULT_CHART_HEIGHT,
  GRID_STROKE,
  LEGEND_STYLE,
  TOOLTIP_CONTENT_STYLE,
  seriesColor,
} from '../../charts/chartStyle';
import type { TrendPoint } from '../../charts/chartTypes';
import type { StackedBarChartProps } from './StackedBarChart';

/** Render width before the container has been measured (and in jsdom, which cannot measure). */
const INITIAL_WIDTH = 640;

function valueOf(point: TrendPoint, key: string): number | null {
  const v = point.values[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The recharts half of StackedBarChart; import StackedBarChart, which loads this lazily. */
export function StackedBarChartImpl(props: StackedBarChartProps) {
  const height = props.height ?? DEFAULT_CHART_HEIGHT;
  const rows = [...props.data].sort(
    (a, b) => Date.parse(a.x) - Date.parse(b.x),
  );
  const format = (v: unknown) =>
    typeof v === 'number' ? formatKpiValue(v, props.unit) : '';
  const period = (x: unknown, style: 'tick' | 'full') =>
    typeof x === 'string' ? formatPeriodStart(x, props.granularity, style) : '';
  return (
    <ResponsiveContainer
      width="100%"
      height={height}
      initialDimension={{ width: INITIAL_WIDTH, height }}
    >
      <BarChart
        data={rows}
        title={props.title}
        desc={props.description}
        margin={{ top: 16, right: 16, bottom: 4, left: 4 }}
      >
        <CartesianGrid
          stroke={GRID_STROKE}
          strokeDasharray="3 3"
          vertical={false}
        />
        <XAxis
          dataKey="x"
          type="category"
          tickFormatter={x => period(x, 'tick')}
          {...AXIS_STYLE}
        />
        <YAxis tickFormatter={v => format(v)} width={72} {...AXIS_STYLE} />
        <Tooltip
          formatter={value => format(value)}
          labelFormatter={x => period(x, 'full')}
          contentStyle={TOOLTIP_CONTENT_STYLE}
          cursor={{ fill: 'var(--bui-bg-neutral-2)' }}
        />
        {props.series.length > 1 && <Legend wrapperStyle={LEGEND_STYLE} />}
        {props.series.map((series, index) => (
          <Bar
            key={series.key}
            name={series.label}
            dataKey={(point: TrendPoint) => valueOf(point, series.key)}
            stackId="total"
            fill={seriesColor(series, index)}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
