import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import ibiasDeploymentsPlugin from '@internal/plugin-ibias-deployments';
import ibiasMetricsPlugin from '@internal/plugin-ibias-metrics';
import ibiasAiCostsPlugin from '@internal/plugin-ibias-ai-costs';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    ibiasDeploymentsPlugin,
    ibiasMetricsPlugin,
    ibiasAiCostsPlugin,
    navModule,
    homeModule,
    signInModule,
  ],
});
