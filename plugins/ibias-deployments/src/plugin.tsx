import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { RiRocketLine } from '@remixicon/react';
import { IbiasDeploymentsClient, ibiasDeploymentsApiRef } from './api';
import { rootRouteRef } from './routes';

export const deploymentsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: ibiasDeploymentsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new IbiasDeploymentsClient(discoveryApi, fetchApi),
    }),
});

/** The portal-wide deployments page (matrix across services, all history). */
export const deploymentsPage = PageBlueprint.make({
  params: {
    path: '/deployments',
    title: 'Deployments',
    icon: <RiRocketLine />,
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
