import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
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
            goldenSignals: true,
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

/** The Metrics tab on services: golden signals per environment and version. */
export const metricsEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/metrics',
    title: 'Metrics',
    filter: 'kind:component',
    loader: () =>
      import('./components/MetricsContent').then(m => <m.MetricsContent />),
  },
});

/** Home: the KPI tiles the signed-in person may see. */
export const homeKpisWidget = HomePageWidgetBlueprint.make({
  name: 'kpis',
  params: {
    name: 'IbiasKpis',
    title: 'KPIs',
    description: 'The executive KPIs you may see',
    components: () =>
      import('./components/HomeWidgets').then(m => ({
        Content: m.HomeKpis,
      })),
  },
});

/** Home: open alerts on what my groups own. */
export const homeAlertsWidget = HomePageWidgetBlueprint.make({
  name: 'alerts',
  params: {
    name: 'IbiasMyAlerts',
    title: 'Alerts on what I own',
    description: 'Open alerts on the services and KPIs your groups own',
    components: () =>
      import('./components/HomeWidgets').then(m => ({
        Content: m.HomeAlerts,
      })),
  },
});

export const ibiasMetricsPlugin = createFrontendPlugin({
  pluginId: 'ibias-metrics',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    metricsApi,
    executivePage,
    alertsPage,
    metricsEntityContent,
    homeKpisWidget,
    homeAlertsWidget,
  ],
  routes: { root: rootRouteRef, alerts: alertsRouteRef },
});
