import { useCallback, useEffect, useState } from 'react';
import {
  Alert as Banner,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Grid,
  Select,
  Skeleton,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EmptyState,
  ErrorState,
  TrendChart,
  useUrlState,
  type TrendPoint,
} from '@internal/ibias-react';
import {
  ibiasMetricsApiRef,
  type GoldenSignals,
  type GoldenSignalSeries,
  type GoldenSignalsUnconfigured,
  type SignalRange,
} from '../../api';

const RANGES: SignalRange[] = ['15m', '1h', '6h', '24h', '7d'];

type SignalValue = GoldenSignalSeries['summary']['p95'];

/** A latency in ms, "≥" when the quantile fell past the largest bucket. */
function latencyText(v: SignalValue) {
  if (v.value === null) return v.reason ?? 'no data';
  const ms = v.value * 1000;
  const text = ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
  return v.topBucket ? `≥ ${text}` : text;
}

function rateText(v: SignalValue) {
  if (v.value === null) return v.reason ?? 'no data';
  return `${(v.value * 100).toFixed(2)} %`;
}

/** Points of several series joined on time, for one chart. */
function join(
  series: Record<string, Array<{ at: string; value: number | null }>>,
  scale = 1,
): TrendPoint[] {
  const byAt = new Map<string, Record<string, number | null>>();
  for (const [key, points] of Object.entries(series)) {
    for (const p of points) {
      const row = byAt.get(p.at) ?? {};
      row[key] = p.value === null ? null : p.value * scale;
      byAt.set(p.at, row);
    }
  }
  return [...byAt.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([x, values]) => ({ x, values }));
}

function Stat(props: { label: string; value: string; warn?: string }) {
  return (
    <Flex direction="column" gap="1">
      <Text variant="body-x-small" color="secondary">
        {props.label}
      </Text>
      <Text variant="title-x-small" weight="bold" title={props.warn}>
        {props.value}
      </Text>
    </Flex>
  );
}

function SeriesCard(props: {
  s: GoldenSignalSeries;
  markers: GoldenSignals['markers'];
  /** Days label a week's ticks; shorter ranges show the time of day. */
  granularity: 'day' | 'minute';
}) {
  const { s } = props;
  const markers = props.markers
    .filter(m => m.environment === s.environment)
    .map(m => ({ at: m.at, label: m.label }));
  const top = [s.summary.p50, s.summary.p95, s.summary.p99].some(
    v => v.topBucket,
  );
  return (
    <Card data-testid={`signals-${s.environment}-${s.version}`}>
      <CardHeader>
        <Text variant="title-x-small" as="h3">
          {s.environment} · {s.version}
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          <Flex gap="5" style={{ flexWrap: 'wrap' }}>
            <Stat
              label="Requests"
              value={
                s.summary.requests === null
                  ? 'no data'
                  : s.summary.requests.toLocaleString()
              }
            />
            <Stat label="Error rate" value={rateText(s.summary.errorRate)} />
            <Stat label="p50" value={latencyText(s.summary.p50)} />
            <Stat label="p95" value={latencyText(s.summary.p95)} />
            <Stat label="p99" value={latencyText(s.summary.p99)} />
            {s.ai && (
              <>
                <Stat
                  label="AI p95"
                  value={latencyText(s.ai.summary.latencyP95)}
                />
                <Stat
                  label="AI success"
                  value={rateText(s.ai.summary.successRate)}
                />
              </>
            )}
          </Flex>
          {top && (
            <Banner
              status="warning"
              icon
              title="Latency past the largest bucket"
              description={`A quantile fell above the histogram's largest finite bucket (${s.largestBucketSeconds} s): the figure shown is a lower bound. Add larger buckets to measure it.`}
            />
          )}
          <Grid.Root columns={{ initial: '1', md: '3' }} gap="3">
            <Flex direction="column" gap="1">
              <Text variant="body-small" weight="bold">
                Request rate (per second)
              </Text>
              <TrendChart
                title="Request rate (per second)"
                unit="count"
                height={180}
                granularity={props.granularity}
                data={join({ rate: s.requestRate })}
                series={[{ key: 'rate', label: 'requests/s' }]}
                markers={markers}
                emptyMessage="No traffic in this range"
              />
            </Flex>
            <Flex direction="column" gap="1">
              <Text variant="body-small" weight="bold">
                Error rate
              </Text>
              <TrendChart
                title="Error rate"
                unit="percent"
                height={180}
                granularity={props.granularity}
                data={join({ errors: s.errorRate })}
                series={[{ key: 'errors', label: 'errors' }]}
                markers={markers}
                emptyMessage="No traffic in this range"
              />
            </Flex>
            <Flex direction="column" gap="1">
              <Text variant="body-small" weight="bold">
                Latency (ms)
              </Text>
              <TrendChart
                title="Latency (ms)"
                unit="count"
                height={180}
                granularity={props.granularity}
                data={join(
                  {
                    p50: s.latency.p50,
                    p95: s.latency.p95,
                    p99: s.latency.p99,
                  },
                  1000,
                )}
                series={[
                  { key: 'p50', label: 'p50' },
                  { key: 'p95', label: 'p95' },
                  { key: 'p99', label: 'p99', dashed: true },
                ]}
                markers={markers}
                emptyMessage="No traffic in this range"
              />
            </Flex>
          </Grid.Root>
        </Flex>
      </CardBody>
    </Card>
  );
}

/** The Metrics tab on a service's page: golden signals per environment and version. */
export function MetricsContent() {
  const api = useApi(ibiasMetricsApiRef);
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const [state, setState] = useUrlState({ range: '1h' });
  const range = (RANGES as Array<string | undefined>).includes(state.range)
    ? (state.range as SignalRange)
    : '1h';
  const [answer, setAnswer] = useState<
    GoldenSignals | GoldenSignalsUnconfigured
  >();
  const [error, setError] = useState<Error>();
  const load = useCallback(() => {
    setError(undefined);
    api.goldenSignals(entityRef, range).then(setAnswer, setError);
  }, [api, entityRef, range]);
  useEffect(load, [load]);
  // Prometheus's signals, or without one the local router's (labelled above them).
  const signals = answer?.configured ? answer : answer?.fallback;

  return (
    <Flex direction="column" gap="4" data-testid="golden-signals">
      <Flex justify="between" align="end">
        <Text variant="title-small" as="h2">
          Golden signals
        </Text>
        <div style={{ width: 160 }}>
          <Select
            label="Range"
            options={RANGES.map(r => ({ value: r, label: `Last ${r}` }))}
            selectedKey={range}
            onSelectionChange={k => setState({ range: String(k) })}
          />
        </div>
      </Flex>
      {error && (
        <ErrorState
          title="The signals could not be loaded"
          error={error}
          onRetry={load}
        />
      )}
      {!answer && !error && <Skeleton style={{ height: 240 }} />}
      {answer && !answer.configured && !answer.fallback && (
        <EmptyState
          title="No Prometheus is configured"
          description={answer.help}
        />
      )}
      {answer && !answer.configured && answer.fallback && (
        <Flex direction="column" gap="2" data-testid="signals-source">
          <Banner
            status="info"
            icon
            title="From the local traffic router's records"
            description={`${answer.fallback.sourceNote ?? ''}.`}
          />
          <Text variant="body-small" color="secondary">
            For history, AI signals and services the local target does not run:{' '}
            {answer.help}
          </Text>
        </Flex>
      )}
      {signals && signals.series.length === 0 && (
        <EmptyState
          title="No series for this service"
          description={
            signals.source === 'prometheus'
              ? `Prometheus has no request metrics for ${signals.service} in the last ${range}. Is it deployed, and does Prometheus scrape it?`
              : `The traffic router forwarded nothing for ${signals.service} in the last ${range}.`
          }
        />
      )}
      {signals?.series.map(s => (
        <SeriesCard
          key={`${s.environment}|${s.version}`}
          s={s}
          markers={signals.markers}
          granularity={range === '7d' ? 'day' : 'minute'}
        />
      ))}
    </Flex>
  );
}
