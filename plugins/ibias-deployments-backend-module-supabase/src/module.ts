import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ibiasDeploymentTargetsExtensionPoint } from '@internal/plugin-ibias-deployments-node';
import { supabaseTargetFactory } from './supabaseTargetFactory';

/** Adds the `supabase` deploy target (Supabase Edge Functions) to IBIAS deployments. */
export const ibiasDeploymentsModuleSupabaseTarget = createBackendModule({
  pluginId: 'ibias-deployments',
  moduleId: 'supabase-target',
  register(reg) {
    reg.registerInit({
      deps: {
        targets: ibiasDeploymentTargetsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ targets, config, logger }) {
        targets.addTarget(supabaseTargetFactory({ config, logger }));
      },
    });
  },
});
