import type { CSSProperties } from 'react';

export interface SparklineProps {
  /** Oldest first, evenly spaced; `null` is a gap and breaks the line (it is not 0). */
  points: ReadonlyArray<number | null | undefined>;
  /** What the line shows, e.g. "MRR, last 12 months"; starts the accessible label. */
  label: string;
  /** How a value reads in the accessible label (e.g. `v => formatKpiValue(v, 'currency')`). */
  format?: (value: number) => string;
  /** Width in px, or e.g. "100%" to fill the parent; 120 unless given. */
  width?: number | string;
  /** Height in px; 32 unless given. */
  height?: number;
  /** The line's colour; a theme variable, the secondary foreground unless given. */
  color?: string;
  'data-testid'?: string;
}

/** The drawing's own coordinates; the SVG is stretched to `width` (see `vectorEffect`). */
const VIEW_WIDTH = 100;
const PAD = 2;

/** The runs of consecutive values between gaps, as [index, value] pairs. */
export function sparklineSegments(
  points: ReadonlyArray<number | null | undefined>,
): Array<Array<[index: number, value: number]>> {
  const segments: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> | undefined;
  points.forEach((value, index) => {
    if (value === null || value === undefined || !Number.isFinite(value)) {
      current = undefined;
      return;
    }
    if (!current) {
      current = [];
      segments.push(current);
    }
    current.push([index, value]);
  });
  return segments;
}

/** "MRR, last 12 months: from $1.0M to $1.2M, with gaps" — or "…: no data". */
export function describeSparkline(
  label: string,
  points: ReadonlyArray<number | null | undefined>,
  format: (value: number) => string = String,
): string {
  const values = sparklineSegments(points).flat();
  if (values.length === 0) return `${label}: no data`;
  const first = values[0][1];
  const last = values[values.length - 1][1];
  const gaps = values.length < points.length ? ', with gaps' : '';
  return values.length === 1
    ? `${label}: ${format(first)}${gaps}`
    : `${label}: from ${format(first)} to ${format(last)}${gaps}`;
}

/**
 * A small trend line in plain SVG (no chart library, so a tile paints at once). Gaps
 * break the line; a value alone between gaps is drawn as a dot. The line keeps its
 * thickness however wide the SVG is stretched.
 */
export function Sparkline(props: SparklineProps) {
  const height = props.height ?? 32;
  const segments = sparklineSegments(props.points);
  const values = segments.flat().map(([, v]) => v);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const slots = Math.max(props.points.length - 1, 1);
  const x = (index: number) =>
    props.points.length === 1
      ? VIEW_WIDTH / 2
      : PAD + (index / slots) * (VIEW_WIDTH - 2 * PAD);
  // A flat line sits in the middle rather than on an edge.
  const y = (value: number) =>
    max === min
      ? height / 2
      : PAD + ((max - value) / (max - min)) * (height - 2 * PAD);
  const d = segments
    .map(segment =>
      segment
        .map(
          ([index, value], i) =>
            `${i === 0 ? 'M' : 'L'}${x(index).toFixed(2)} ${y(value).toFixed(
              2,
            )}`,
        )
        // A lone value is a zero-length line, which the round cap draws as a dot.
        .concat(segment.length === 1 ? ['l0 0'] : [])
        .join(' '),
    )
    .join(' ');
  const style: CSSProperties = {
    stroke: props.color ?? 'var(--bui-fg-secondary)',
    fill: 'none',
    strokeWidth: 2,
    strokeLinecap: 'round',
    strokeLinejoin: 'round',
  };
  return (
    <svg
      role="img"
      aria-label={describeSparkline(props.label, props.points, props.format)}
      data-testid={props['data-testid']}
      width={props.width ?? 120}
      height={height}
      viewBox={`0 0 ${VIEW_WIDTH} ${height}`}
      preserveAspectRatio="none"
      style={{ display: 'block', overflow: 'visible' }}
    >
      {d && <path d={d} style={style} vectorEffect="non-scaling-stroke" />}
    </svg>
  );
}
