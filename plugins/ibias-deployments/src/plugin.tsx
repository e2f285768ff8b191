import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { RiRocket2Line } from '@remixicon/react';
import { ibiasDeploymentsApiRef, type IbiasDeploymentsApi } from './api';
import { lazyApi } from '@internal/ibias-react';
import { rootRouteRef } from './routes';

export const deploymentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ibiasDeploymentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      // The client's code loads with the first request, not with the app (issue 10:
      // the app's initial JavaScript must not grow).
      factory: ({ discoveryApi, fetchApi }) =>
        lazyApi<IbiasDeploymentsApi>(
          () =>
            import('./client').then(
              m => new m.IbiasDeploymentsClient(discoveryApi, fetchApi),
            ),
          {
            environments: true,
            versions: true,
            configs: true,
            plan: true,
            deploy: true,
            get: true,
            list: true,
            approve: true,
            abort: true,
            rollback: true,
            health: true,
          },
        ),
    }),
});

/** The portal-wide deployments page (matrix across services, all history). */
export const deploymentsPage = PageBlueprint.make({
  params: {
    path: '/deployments',
    title: 'Deployments',
    icon: <RiRocket2Line />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/DeploymentsPage').then(m => <m.DeploymentsPage />),
  },
});

/** The Deployments tab on services and websites. */
export const deploymentsEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/deployments',
    title: 'Deployments',
    filter: 'kind:component',
    loader: () =>
      import('./components/DeploymentsContent').then(m => (
        <m.DeploymentsContent />
      )),
  },
});

export const ibiasDeploymentsPlugin = createFrontendPlugin({
  pluginId: 'ibias-deployments',
  info: { packageJson: () => import('../package.json') },
  extensions: [deploymentsApi, deploymentsPage, deploymentsEntityContent],
  routes: { root: rootRouteRef },
});
