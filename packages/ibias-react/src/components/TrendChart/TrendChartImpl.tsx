import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type DotItemDotProps,
} from 'recharts';
import { formatKpiValue } from '../../format/formatKpiValue';
import { formatPeriodStart } from '../../format/formatTime';
import {
  AXIS_STYLE,
  DEFAULT_CHART_HEIGHT,
  GRID_STROKE,
  LEGEND_STYLE,
  THRESHOLD_COLORS,
  TOOLTIP_CONTENT_STYLE,
  seriesColor,
  thinTicks,
} from '../../charts/chartStyle';
import type { TrendMarker } from '../../charts/chartTypes';
import type { TrendChartProps } from './TrendChart';

/** A point as the chart reads it: time in ms for a true time axis (markers fall between points). */
interface ChartRow {
  t: number;
  values: Readonly<Record<string, number | null | undefined>>;
}

/** Render width before the container has been measured (and in jsdom, which cannot measure). */
const INITIAL_WIDTH = 640;

function valueOf(row: ChartRow, key: string): number | null {
  const v = row.values[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The indexes of values with a gap (or the edge) on both sides: a line cannot show them. */
function isolatedIndexes(rows: ReadonlyArray<ChartRow>, key: string) {
  const isolated = new Set<number>();
  rows.forEach((row, i) => {
    if (valueOf(row, key) === null) return;
    const before = i > 0 ? valueOf(rows[i - 1], key) : null;
    const after = i < rows.length - 1 ? valueOf(rows[i + 1], key) : null;
    if (before === null && after === null) isolated.add(i);
  });
  return isolated;
}

/** Reads recharts' label view box (typed `any` there). */
function boxOf(viewBox: unknown): { x: number; y: number } | undefined {
  if (
    typeof viewBox === 'object' &&
    viewBox !== null &&
    'x' in viewBox &&
    'y' in viewBox &&
    typeof viewBox.x === 'number' &&
    typeof viewBox.y === 'number'
  ) {
    return { x: viewBox.x, y: viewBox.y };
  }
  return undefined;
}

/**
 * The y axis of a chart of nothing but zeros (gaps aside): 0 to one unit (1 % for a
 * rate), where recharts would draw 0 to 4 (400 %). Undefined otherwise: recharts' own.
 */
export function flatDomain(
  values: ReadonlyArray<number | null>,
  unit: TrendChartProps['unit'],
): [number, number] | undefined {
  if (!values.every(v => v === null || v === 0)) return undefined;
  return [0, unit === 'percent' ? 0.01 : 1];
}

/**
 * Which markers get their label written out: the first, and each one far enough (an
 * eighth of the range) after the last written, so close deploys do not print over each
 * other. The others keep their line and a dot whose tooltip says what they are.
 */
export function writtenMarkerLabels(
  markers: ReadonlyArray<TrendMarker>,
  range: { from: number; to: number },
): Set<TrendMarker> {
  const gap = (range.to - range.from) / 8;
  const written = new Set<TrendMarker>();
  let last = -Infinity;
  for (const m of [...markers].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at),
  )) {
    const t = Date.parse(m.at);
    if (t - last >= gap) {
      written.add(m);
      last = t;
    }
  }
  return written;
}

/** A marker's label at the top of its line; a link when the marker has one. */
function markerLabel(marker: TrendMarker, written: boolean) {
  return function MarkerLabel(props: { viewBox?: unknown }) {
    const box = boxOf(props.viewBox);
    if (!box) return <g />;
    const title = (
      <title>{`${marker.label}, ${formatPeriodStart(
        marker.at,
        'day',
        'full',
      )}`}</title>
    );
    const text = written ? (
      <text
        x={box.x + 4}
        y={box.y + 12}
        fontSize={11}
        style={{ fill: 'var(--bui-fg-secondary)' }}
      >
        {title}
        {marker.label}
      </text>
    ) : (
      <circle
        cx={box.x}
        cy={box.y + 4}
        r={3}
        style={{ fill: 'var(--bui-fg-secondary)' }}
        data-testid="trend-marker-dot"
      >
        {title}
      </circle>
    );
    return marker.href ? (
      <a href={marker.href} data-testid="trend-marker-link">
        {text}
      </a>
    ) : (
      text
    );
  };
}

/** The recharts half of TrendChart; import TrendChart, which loads this lazily. */
export function TrendChartImpl(props: TrendChartProps) {
  const height = props.height ?? DEFAULT_CHART_HEIGHT;
  const rows: ChartRow[] = props.data
    .map(p => ({ t: Date.parse(p.x), values: p.values }))
    .filter(r => !Number.isNaN(r.t))
    .sort((a, b) => a.t - b.t);
  const format = (v: unknown) =>
    typeof v === 'number' ? formatKpiValue(v, props.unit) : '';
  const period = (t: unknown, style: 'tick' | 'full') =>
    typeof t === 'number' ? formatPeriodStart(t, props.granularity, style) : '';
  // With many points, dots would hide the line; show only those a line cannot draw.
  const showAllDots = rows.length <= 45;
  const written = writtenMarkerLabels(props.markers ?? [], {
    from: rows[0]?.t ?? 0,
    to: rows[rows.length - 1]?.t ?? 0,
  });
  const yDomain = flatDomain(
    rows.flatMap(r => props.series.map(sr => valueOf(r, sr.key))),
    props.unit,
  );

  return (
    <ResponsiveContainer
      width="100%"
      height={height}
      initialDimension={{ width: INITIAL_WIDTH, height }}
    >
      <LineChart
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
          dataKey="t"
          type="number"
          scale="time"
          domain={['dataMin', 'dataMax']}
          ticks={thinTicks(rows.map(r => r.t))}
          tickFormatter={t => period(t, 'tick')}
          {...AXIS_STYLE}
        />
        <YAxis
          tickFormatter={v => format(v)}
          width={72}
          {...(yDomain ? { domain: yDomain } : {})}
          {...AXIS_STYLE}
        />
        <Tooltip
          formatter={value => format(value)}
          labelFormatter={t => period(t, 'full')}
          contentStyle={TOOLTIP_CONTENT_STYLE}
        />
        {props.series.length > 1 && <Legend wrapperStyle={LEGEND_STYLE} />}
        {props.thresholds?.map(threshold => (
          <ReferenceLine
            key={`threshold-${threshold.label}-${threshold.value}`}
            y={threshold.value}
            stroke={THRESHOLD_COLORS[threshold.tone ?? 'neutral']}
            strokeDasharray="6 4"
            ifOverflow="extendDomain"
            label={{
              value: `${threshold.label} ${format(threshold.value)}`,
              position: 'insideTopRight',
              fill: THRESHOLD_COLORS[threshold.tone ?? 'neutral'],
              fontSize: 11,
            }}
          />
        ))}
        {props.markers?.map(marker => (
          <ReferenceLine
            key={`marker-${marker.at}-${marker.label}`}
            x={Date.parse(marker.at)}
            stroke="var(--bui-fg-secondary)"
            strokeDasharray="2 3"
            label={markerLabel(marker, written.has(marker))}
          />
        ))}
        {props.series.map((series, index) => {
          const color = seriesColor(series, index);
          const isolated = isolatedIndexes(rows, series.key);
          return (
            <Line
              key={series.key}
              name={series.label}
              dataKey={(row: ChartRow) => valueOf(row, series.key)}
              type="linear"
              stroke={color}
              strokeWidth={2}
              strokeDasharray={series.dashed ? '6 4' : undefined}
              // A gap stays a gap: the line is not drawn across missing periods.
              connectNulls={false}
              isAnimationActive={false}
              dot={(dot: DotItemDotProps) =>
                (showAllDots || isolated.has(dot.index)) &&
                typeof dot.cx === 'number' &&
                typeof dot.cy === 'number' ? (
                  <circle
                    key={`${series.key}-${dot.index}`}
                    cx={dot.cx}
                    cy={dot.cy}
                    r={3}
                    fill={color}
                    data-testid={`trend-dot-${series.key}`}
                  />
                ) : (
                  <g key={`${series.key}-${dot.index}`} />
                )
              }
            />
          );
        })}
      </LineChart>
    </ResponsiveContainer>
  );
}
