import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { RiMoneyDollarCircleLine } from '@remixicon/react';
import { lazyApi } from '@internal/ibias-react';
import { ibiasAiCostsApiRef, type IbiasAiCostsApi } from './api';

export const rootRouteRef = createRouteRef();

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
          { costs: true, budgets: true },
        ),
    }),
});

/** Every AI dollar the caller may see, by team, service, provider or model. */
export const aiCostsPage = PageBlueprint.make({
  params: {
    path: '/ibias-ai-costs',
    title: 'AI costs',
    icon: <RiMoneyDollarCircleLine />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/CostsView').then(m => <m.AiCostsOverview />),
  },
});

/** A service's AI spend by model, its budgets and their forecast. */
export const aiCostsEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/ai-costs',
    title: 'AI costs',
    filter: 'kind:component',
    loader: () =>
      import('./components/CostsView').then(m => <m.AiCostsContent />),
  },
});

export const ibiasAiCostsPlugin = createFrontendPlugin({
  pluginId: 'ibias-ai-costs',
  info: { packageJson: () => import('../package.json') },
  extensions: [aiCostsApi, aiCostsPage, aiCostsEntityContent],
  routes: { root: rootRouteRef },
});
