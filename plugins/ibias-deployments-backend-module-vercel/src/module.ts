import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { ibiasDeploymentTargetsExtensionPoint } from '@internal/plugin-ibias-deployments-node';
import { readVercelDrainConfig } from './config';
import {
  createVercelDrainRouter,
  VERCEL_DRAIN_PATH,
} from './drain/createVercelDrainRouter';
import { VercelDrainRecords } from './drain/VercelDrainRecords';
import { vercelTargetFactory } from './vercelTargetFactory';

/**
 * Adds the `vercel` deploy target to IBIAS deployments, and the log-drain route
 * (POST /api/ibias-deployments/vercel/log-drain) whose counts the target reads.
 */
export const ibiasDeploymentsModuleVercelTarget = createBackendModule({
  pluginId: 'ibias-deployments',
  moduleId: 'vercel-target',
  register(reg) {
    reg.registerInit({
      deps: {
        targets: ibiasDeploymentTargetsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
      },
      async init({ targets, config, logger, httpRouter }) {
        // Only deployments the target read from Vercel's API count: a signed batch that
        // names any other deployment changes nothing.
        const records = new VercelDrainRecords({ onlyKnown: true });
        httpRouter.use(
          createVercelDrainRouter({
            drain: readVercelDrainConfig(config),
            records,
            logger,
          }),
        );
        // Vercel signs batches instead of sending a Backstage token.
        httpRouter.addAuthPolicy({
          path: VERCEL_DRAIN_PATH,
          allow: 'unauthenticated',
        });
        targets.addTarget(vercelTargetFactory({ config, logger, records }));
      },
    });
  },
});
