import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { RiMoneyDollarCircleLine } from '@remixicon/react';
import { lazyApi } from '@internal/ibias-react';
import { ibiasAiCostsApiRef, type IbiasAiCostsApi } from './api';
import { rootRouteRef } from './routes';

export { rootRouteRef };

export const aiCostsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ibiasAiCostsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      // The client loads with the first request, not with the app.
      factory: ({ discoveryApi, fetchApi }) =>
        lazyApi<IbiasAiCostsApi>(
          () =>
            import('./client').then(
              m => new m.IbiasAiCostsClient({ discoveryApi, fetchApi }),
            ),
          {
            costs: true,
            budgets: true,
            exportCsv: true,
            exportFocus: true,
            alerts: true,
            acknowledgeAlert: true,
            snoozeAlert: true,
            deployCosts: true,
          },
        ),
    }),
});

/** Every AI dollar the caller may see, by team, service, provider or model, and the alerts. */
export const aiCostsPage = PageBlueprint.make({
  params: {
    path: '/ibias-ai-costs',
    title: 'AI costs',
    icon: <RiMoneyDollarCircleLine />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/AiCostsPage').then(m => <m.AiCostsPage />),
  },
});

/** A service's AI spend by model, its budgets and forecast, its alerts and cost per deploy. */
export const aiCostsEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/ai-costs',
    title: 'AI costs',
    filter: 'kind:component',
    loader: () =>
      import('./components/AiCostsPage').then(m => <m.AiCostsEntityContent />),
  },
});

/** Home: my teams' AI spend this month against their budgets. */
export const homeAiSpendWidget = HomePageWidgetBlueprint.make({
  name: 'ai-spend',
  params: {
    name: 'IbiasAiSpend',
    title: "My teams' AI spend",
    description: "Your teams' AI spend this month against their budgets",
    components: () =>
      import('./components/HomeWidgets').then(m => ({
        Content: m.HomeTeamsAiSpend,
      })),
  },
});

export const ibiasAiCostsPlugin = createFrontendPlugin({
  pluginId: 'ibias-ai-costs',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    aiCostsApi,
    aiCostsPage,
    aiCostsEntityContent,
    homeAiSpendWidget,
  ],
  routes: { root: rootRouteRef },
});
