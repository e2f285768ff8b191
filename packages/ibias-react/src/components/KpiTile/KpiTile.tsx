import type { CSSProperties, ReactNode } from 'react';
import { Badge, Card, Flex, Skeleton, Text } from '@backstage/ui';
import {
  RiArrowDownLine,
  RiArrowUpLine,
  RiSubtractLine,
} from '@remixicon/react';
import { formatKpiValue, type KpiUnit } from '../../format/formatKpiValue';
import { describeChange, type KpiDirection } from '../../format/describeChange';
import {
  formatDuration,
  formatUtcTime,
  isStale,
} from '../../format/formatTime';
import { Sparkline } from '../Sparkline';

/** How a KPI stands against its thresholds. */
export type KpiStatus = 'success' | 'warning' | 'error';

export interface KpiTileProps {
  title: string;
  /** The value in `unit` (currency in micro-dollars); `null` when there is none. */
  value: number | null;
  unit: KpiUnit;
  /** Whether higher is better ('up') or lower is ('down'); colours the change. */
  direction: KpiDirection;
  /**
   * Why there is no value ("no customers at the start"). A reason starting "n/a" (as the
   * metrics formulas write it) makes the tile say "n/a" rather than "no data".
   */
  reason?: string;
  /** The value of the comparison period (same unit); no change is shown without it. */
  previous?: number | null;
  /** What the change is measured against, e.g. "vs the same days of last month". */
  comparisonLabel?: string;
  status?: KpiStatus;
  /** When the value was measured, ISO 8601. */
  asOf?: string;
  /** Past this age (ms) since `asOf` the tile says "stale". */
  freshnessMs?: number;
  /** The current time for the staleness check; the clock unless given. */
  now?: Date;
  /** Set when the period is still running: "MTD", "QTD", "today". */
  partialLabel?: string;
  /** The target value (same unit). */
  target?: number;
  /** Recent values, oldest first, for the sparkline; `null` is a gap. */
  trend?: ReadonlyArray<number | null>;
  /** What the sparkline covers, e.g. "last 12 months". */
  trendLabel?: string;
  /** Opens the KPI's derivation (a dialog, a drawer). */
  onOpen?: () => void;
  /** Or: where the KPI's derivation is (a page). */
  href?: string;
  'data-testid'?: string;
}

const STATUS: Record<
  KpiStatus,
  { edge: string; label: string; badge?: CSSProperties }
> = {
  success: { edge: 'var(--bui-fg-positive)', label: 'on track' },
  warning: {
    edge: 'var(--bui-fg-warning)',
    label: 'at risk',
    badge: {
      background: 'var(--bui-warning-bg-subdued)',
      color: 'var(--bui-warning-fg-subdued)',
    },
  },
  error: {
    edge: 'var(--bui-fg-negative)',
    label: 'off track',
    badge: {
      background: 'var(--bui-negative-bg-subdued)',
      color: 'var(--bui-negative-fg-subdued)',
    },
  },
};

const STALE_BADGE: CSSProperties = {
  background: 'var(--bui-warning-bg-subdued)',
  color: 'var(--bui-warning-fg-subdued)',
};

/** "no data" (nothing recorded) or "n/a" (the formula has no value, e.g. LTV with no churn). */
function missingValue(reason: string | undefined): {
  label: string;
  reason?: string;
} {
  const notApplicable = reason?.match(/^n\/a\b[:\s-]*(.*)$/i);
  if (notApplicable)
    return { label: 'n/a', reason: notApplicable[1] || undefined };
  return { label: 'no data', reason };
}

function ChangeLine(props: {
  value: number | null;
  previous: number | null | undefined;
  unit: KpiUnit;
  direction: KpiDirection;
  comparisonLabel?: string;
}) {
  const change = describeChange(
    props.value,
    props.previous,
    props.unit,
    props.direction,
  );
  if (!change) return null;
  let color: 'success' | 'danger' | 'secondary' = 'secondary';
  if (change.good !== undefined) color = change.good ? 'success' : 'danger';
  const Arrow = {
    up: RiArrowUpLine,
    down: RiArrowDownLine,
    flat: RiSubtractLine,
  }[change.trend];
  return (
    <Flex
      align="center"
      gap="1"
      data-testid="kpi-change"
      data-good={change.good}
    >
      <Text
        as="span"
        variant="body-small"
        weight="bold"
        color={color}
        style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}
      >
        <Arrow size={16} aria-hidden />
        {change.text}
      </Text>
      {props.comparisonLabel && (
        <Text as="span" variant="body-small" color="secondary">
          {props.comparisonLabel}
        </Text>
      )}
    </Flex>
  );
}

/**
 * An executive KPI on a tile: the value (or "no data"/"n/a" and why: a gap is never
 * drawn as 0), the change since the comparison period coloured by whether it is good
 * news, the status as a coloured edge, the time it was measured (and "stale" once it is
 * older than its freshness), the partial period it covers, the target and a sparkline.
 * The whole tile is a button (`onOpen`) or link (`href`) to how the value is derived.
 * Plain SVG and @backstage/ui only: it paints without the chart library.
 */
export function KpiTile(props: KpiTileProps) {
  const hasValue = props.value !== null && Number.isFinite(props.value);
  const missing = hasValue ? undefined : missingValue(props.reason);
  const valueText = missing?.label ?? formatKpiValue(props.value, props.unit);
  const stale = isStale(props.asOf, props.freshnessMs, props.now ?? new Date());
  const status = props.status && STATUS[props.status];

  const badges: ReactNode[] = [];
  if (props.partialLabel) {
    badges.push(
      <Badge key="partial" size="small" data-testid="kpi-partial">
        {props.partialLabel}
      </Badge>,
    );
  }
  if (stale) {
    badges.push(
      <Badge
        key="stale"
        size="small"
        style={STALE_BADGE}
        title={
          props.freshnessMs === undefined
            ? undefined
            : `Older than ${formatDuration(props.freshnessMs)}`
        }
        data-testid="kpi-stale"
      >
        stale
      </Badge>,
    );
  }
  if (status?.badge) {
    badges.push(
      <Badge
        key="status"
        size="small"
        style={status.badge}
        data-testid="kpi-status"
      >
        {status.label}
      </Badge>,
    );
  }

  const body = (
    <Flex direction="column" gap="2">
      <Flex justify="between" align="start" gap="2">
        <Text as="h3" variant="body-medium" weight="bold" color="secondary">
          {props.title}
        </Text>
        {badges.length > 0 && (
          <Flex gap="1" style={{ flexWrap: 'wrap', justifyContent: 'end' }}>
            {badges}
          </Flex>
        )}
      </Flex>
      <Text
        as="p"
        variant="title-large"
        weight="bold"
        color={missing ? 'secondary' : 'primary'}
        data-testid="kpi-value"
      >
        {valueText}
      </Text>
      {missing?.reason && (
        <Text
          as="p"
          variant="body-small"
          color="secondary"
          data-testid="kpi-reason"
        >
          {missing.reason}
        </Text>
      )}
      <ChangeLine
        value={props.value}
        previous={props.previous}
        unit={props.unit}
        direction={props.direction}
        comparisonLabel={props.comparisonLabel}
      />
      {props.target !== undefined && (
        <Text
          as="p"
          variant="body-small"
          color="secondary"
          data-testid="kpi-target"
        >
          Target {formatKpiValue(props.target, props.unit)}
        </Text>
      )}
      {props.trend && props.trend.length > 0 && (
        <Sparkline
          points={props.trend}
          label={
            props.trendLabel
              ? `${props.title}, ${props.trendLabel}`
              : props.title
          }
          format={v => formatKpiValue(v, props.unit)}
          width="100%"
          height={32}
          color={status?.edge ?? 'var(--bui-fg-secondary)'}
        />
      )}
      {props.asOf && (
        <Text
          as="p"
          variant="body-x-small"
          color={stale ? 'warning' : 'secondary'}
          title={props.asOf}
          data-testid="kpi-as-of"
        >
          as of {formatUtcTime(props.asOf)}
        </Text>
      )}
    </Flex>
  );

  const style: CSSProperties = {
    borderLeft: `4px solid ${status?.edge ?? 'var(--bui-border-1)'}`,
    height: '100%',
  };
  const common = {
    style,
    'data-testid': props['data-testid'],
    'data-status': props.status,
    'data-stale': stale || undefined,
  };
  const label = [
    `${props.title}: ${valueText}`,
    status?.label,
    stale ? 'stale' : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  if (props.href) {
    return (
      <Card {...common} href={props.href} label={`${label}. How it is derived`}>
        {body}
      </Card>
    );
  }
  if (props.onOpen) {
    const onOpen = props.onOpen;
    return (
      <Card
        {...common}
        onPress={() => onOpen()}
        label={`${label}. How it is derived`}
      >
        {body}
      </Card>
    );
  }
  return (
    <Card {...common} aria-label={label}>
      {body}
    </Card>
  );
}

/** What a KPI tile looks like while it loads: its footprint, not a spinner. */
export function KpiTileSkeleton() {
  return (
    <Card aria-busy="true" aria-label="Loading KPI" style={{ height: '100%' }}>
      <Flex direction="column" gap="2">
        <Skeleton width="60%" height={16} />
        <Skeleton width="45%" height={32} />
        <Skeleton width="70%" height={14} />
        <Skeleton width="100%" height={32} />
        <Skeleton width="50%" height={12} />
      </Flex>
    </Card>
  );
}
