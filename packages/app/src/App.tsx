import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import ibiasDeploymentsPlugin from '@internal/plugin-ibias-deployments';
import ibiasMetricsPlugin from '@internal/plugin-ibias-metrics';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    ibiasDeploymentsPlugin,
    ibiasMetricsPlugin,
    navModule,
    homeModule,
    signInModule,
  ],
});
