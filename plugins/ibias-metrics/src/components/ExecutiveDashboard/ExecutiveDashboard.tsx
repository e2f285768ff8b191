import { useCallback, useEffect, useState } from 'react';
import {
  Alert as Banner,
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Grid,
  Link,
  Select,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  EmptyState,
  ErrorState,
  KpiTile,
  KpiTileSkeleton,
  TrendChart,
  formatKpiValue,
  useUrlState,
} from '@internal/ibias-react';
import { parseDuration } from '@internal/plugin-ibias-metrics-common';
import {
  ibiasMetricsApiRef,
  type Dashboard,
  type KpiSeries,
  type PeriodKind,
} from '../../api';
import { AlertList } from '../AlertList';
import { DerivationDialog } from '../DerivationDialog';
import { RecommendationList } from '../RecommendationList';

const PERIODS: Array<{ id: PeriodKind; label: string }> = [
  { id: 'month', label: 'By month' },
  { id: 'quarter', label: 'By quarter' },
];
const COUNT: Record<string, number> = { month: 13, quarter: 8 };

/** The executive dashboard: the seed's generateExecutiveDashboard, computed. */
export function ExecutiveDashboard() {
  const api = useApi(ibiasMetricsApiRef);
  const [state, setState] = useUrlState({ period: 'month', kpi: '' });
  const period: PeriodKind = state.period === 'quarter' ? 'quarter' : 'month';
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [error, setError] = useState<Error>();

  const load = useCallback(() => {
    setError(undefined);
    api.dashboard(period, COUNT[period]).then(setDashboard, e => setError(e));
  }, [api, period]);
  useEffect(load, [load]);

  const open = dashboard?.tiles.find(t => t.definition.id === state.kpi);

  return (
    <Container py="4">
      <Flex direction="column" gap="4">
        <Flex justify="between" align="center" gap="3">
          <Flex direction="column" gap="1">
            <Text variant="title-small" as="h2">
              Executive dashboard
            </Text>
            <Text variant="body-small" color="secondary">
              KPIs computed from the business's own records
              {dashboard?.sample
                ? ' — sample data: no real source is configured yet'
                : ''}
            </Text>
          </Flex>
          <div style={{ width: 200 }}>
            <Select
              label="Period"
              options={PERIODS.map(p => ({ value: p.id, label: p.label }))}
              selectedKey={period}
              onSelectionChange={key => setState({ period: String(key) })}
            />
          </div>
        </Flex>
        {dashboard?.sample && (
          <Banner
            status="info"
            icon
            data-testid="sample-data"
            title="Sample data"
            description="These figures come from a generated sample business. Configure Stripe webhooks or import records to see your own."
          />
        )}
        {dashboard && !dashboard.business && (
          <Banner
            status="warning"
            icon
            data-testid="financial-hidden"
            title="Financial KPIs are hidden"
            description="MRR, CAC, LTV and churn need the ibias.metrics.business.read permission (executives and the platform team)."
          />
        )}
        {error && (
          <ErrorState
            title="The dashboard could not be loaded"
            error={error}
            onRetry={load}
          />
        )}
        <Grid.Root columns={{ initial: '1', sm: '2', lg: '3' }} gap="3">
          {!dashboard &&
            !error &&
            [0, 1, 2, 3, 4, 5].map(i => <KpiTileSkeleton key={i} />)}
          {dashboard?.tiles.map(tile => (
            <Tile
              key={tile.definition.id}
              tile={tile}
              onOpen={() => setState({ kpi: tile.definition.id })}
            />
          ))}
        </Grid.Root>
        {dashboard && (
          <Grid.Root columns={{ initial: '1', md: '2' }} gap="3">
            {dashboard.trends.map(trend => (
              <Card key={trend.id}>
                <CardHeader>
                  <Text variant="title-x-small" as="h3">
                    {trend.title}
                  </Text>
                </CardHeader>
                <CardBody>
                  <TrendChart
                    title={trend.title}
                    unit={trend.unit as KpiSeries['definition']['unit']}
                    granularity={period}
                    height={220}
                    data={trend.points.map(p => ({
                      x: p.at,
                      values: { value: p.value },
                    }))}
                    series={[{ key: 'value', label: trend.title }]}
                    markers={dashboard.markers.map(m => ({
                      at: m.at,
                      label: m.label,
                    }))}
                    emptyMessage="No data in these periods"
                  />
                </CardBody>
              </Card>
            ))}
          </Grid.Root>
        )}
        {dashboard && (
          <Grid.Root columns={{ initial: '1', md: '2' }} gap="3">
            <Card>
              <CardHeader>
                <Flex justify="between" align="center">
                  <Text variant="title-x-small" as="h3">
                    Active alerts
                  </Text>
                  <Link href="/ibias-metrics/alerts">All alerts</Link>
                </Flex>
              </CardHeader>
              <CardBody>
                {dashboard.alerts.length === 0 ? (
                  <EmptyState
                    title="No active alerts"
                    description="Every rule is within its threshold."
                  />
                ) : (
                  <AlertList alerts={dashboard.alerts} />
                )}
              </CardBody>
            </Card>
            <Card>
              <CardHeader>
                <Text variant="title-x-small" as="h3">
                  Recommendations
                </Text>
              </CardHeader>
              <CardBody>
                {dashboard.recommendations.length === 0 ? (
                  <EmptyState
                    title="No recommendations"
                    description="Recommendations appear when an alert fires or a KPI leaves its target band, with the evidence."
                  />
                ) : (
                  <RecommendationList items={dashboard.recommendations} />
                )}
              </CardBody>
            </Card>
          </Grid.Root>
        )}
        {dashboard && (
          <Text variant="body-x-small" color="secondary">
            Generated {new Date(dashboard.generatedAt).toLocaleString()}
          </Text>
        )}
      </Flex>
      {open && (
        <DerivationDialog
          series={open}
          period={period}
          onClose={() => setState({ kpi: '' })}
        />
      )}
    </Container>
  );
}

function Tile(props: { tile: KpiSeries; onOpen: () => void }) {
  const { tile } = props;
  const d = tile.definition;
  const current = tile.points[tile.points.length - 1];
  return (
    <KpiTile
      title={d.title}
      value={current?.value ?? null}
      reason={current?.reason}
      unit={d.unit}
      direction={d.direction}
      previous={tile.comparison?.value}
      comparisonLabel={
        tile.comparison?.period.asOf
          ? `vs same part of last ${current?.period.kind}`
          : `vs last ${current?.period.kind}`
      }
      status={tile.status}
      asOf={tile.asOf}
      freshnessMs={parseDuration(d.freshness)}
      partialLabel={current?.partialLabel}
      target={d.target}
      trend={tile.points.map(p => p.value)}
      trendLabel={`${d.title}, ${tile.points.length} ${
        current?.period.kind
      }s: ${tile.points
        .map(p => (p.value === null ? 'gap' : formatKpiValue(p.value, d.unit)))
        .join(', ')}`}
      onOpen={props.onOpen}
    />
  );
}
