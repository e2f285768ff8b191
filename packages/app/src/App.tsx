import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import ibiasDeploymentsPlugin from '@internal/plugin-ibias-deployments';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [
    catalogPlugin,
    ibiasDeploymentsPlugin,
    navModule,
    homeModule,
    signInModule,
  ],
});
