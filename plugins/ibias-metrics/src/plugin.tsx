import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { RiLineChartLine, RiAlarmWarningLine } from '@remixicon/react';
import { lazyApi } from '@internal/ibias-react';
import { ibiasMetricsApiRef, type IbiasMetricsApi } from './api';

export const rootRouteRef = createRouteRef();
export const alertsRouteRef = createRouteRef();

export const metricsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ibiasMetricsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      // The client loads with the first request, not with the app.
      factory: ({ discoveryApi, fetchApi }) =>
        lazyApi<IbiasMetricsApi>(
          () =>
            import('./client').then(
              m => new m.IbiasMetricsClient({ discoveryApi, fetchApi }),
            ),
          {
            dashboard: true,
            kpis: true,
            kpi: true,
            records: true,
            alerts: true,
            alert: true,
            act: true,
          },
        ),
    }),
});

/** The executive dashboard: KPI tiles, trends, alerts and recommendations. */
export const executivePage = PageBlueprint.make({
  params: {
    path: '/ibias-metrics',
    title: 'KPIs',
    icon: <RiLineChartLine />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/ExecutiveDashboard').then(m => (
        <m.ExecutiveDashboard />
      )),
  },
});

/** On-call's alerts page. */
export const alertsPage = PageBlueprint.make({
  name: 'alerts',
  params: {
    path: '/ibias-metrics/alerts',
    title: 'Alerts',
    icon: <RiAlarmWarningLine />,
    routeRef: alertsRouteRef,
    loader: () => import('./components/AlertsPage').then(m => <m.AlertsPage />),
  },
});

export const ibiasMetricsPlugin = createFrontendPlugin({
  pluginId: 'ibias-metrics',
  info: { packageJson: () => import('../package.json') },
  extensions: [metricsApi, executivePage, alertsPage],
  routes: { root: rootRouteRef, alerts: alertsRouteRef },
});
