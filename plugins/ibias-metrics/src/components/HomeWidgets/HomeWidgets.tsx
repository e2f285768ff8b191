import { useEffect, useState } from 'react';
import { Flex, Grid, Link, Text } from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  EmptyState,
  ErrorState,
  KpiTile,
  KpiTileSkeleton,
} from '@internal/ibias-react';
import { parseDuration } from '@internal/plugin-ibias-metrics-common';
import { ibiasMetricsApiRef, type Alert, type Dashboard } from '../../api';
import { AlertList } from '../AlertList';

/** Home: the executive KPI tiles the signed-in person may see. */
export function HomeKpis() {
  const api = useApi(ibiasMetricsApiRef);
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api.dashboard('month', 13).then(setDashboard, setError);
  }, [api]);
  if (error)
    return <ErrorState title="KPIs could not be loaded" error={error} />;
  return (
    <Flex direction="column" gap="2" data-testid="home-kpis">
      <Grid.Root columns={{ initial: '1', sm: '2', lg: '3' }} gap="2">
        {!dashboard && [0, 1, 2].map(i => <KpiTileSkeleton key={i} />)}
        {dashboard?.tiles.map(t => {
          const current = t.points[t.points.length - 1];
          return (
            <KpiTile
              key={t.definition.id}
              title={t.definition.title}
              value={current?.value ?? null}
              reason={current?.reason}
              unit={t.definition.unit}
              direction={t.definition.direction}
              previous={t.comparison?.value}
              status={t.status}
              asOf={t.asOf}
              freshnessMs={parseDuration(t.definition.freshness)}
              partialLabel={current?.partialLabel}
              trend={t.points.map(p => p.value)}
              href={`/ibias-metrics?kpi=${t.definition.id}`}
            />
          );
        })}
      </Grid.Root>
      {dashboard?.sample && (
        <Text variant="body-x-small" color="secondary">
          Sample data: no real source is configured yet.
        </Text>
      )}
    </Flex>
  );
}

/** Home: open alerts on what my groups own. */
export function HomeAlerts() {
  const api = useApi(ibiasMetricsApiRef);
  const [alerts, setAlerts] = useState<Alert[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    api
      .alerts({ mine: true, limit: 10 })
      .then(r => setAlerts(r.items), setError);
  }, [api]);
  if (error) {
    return <ErrorState title="Alerts could not be loaded" error={error} />;
  }
  if (!alerts) return <Text color="secondary">Loading alerts…</Text>;
  return (
    <Flex direction="column" gap="2" data-testid="home-alerts">
      {alerts.length === 0 ? (
        <EmptyState
          title="No open alerts on what you own"
          description="Alerts on your groups' services and KPIs appear here."
        />
      ) : (
        <AlertList alerts={alerts} />
      )}
      <Link href="/ibias-metrics/alerts?mine=true">All my alerts</Link>
    </Flex>
  );
}
