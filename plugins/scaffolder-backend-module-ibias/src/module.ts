import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogLocationsExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readLocalRepos } from './actions/localRepos';
import { createPublishLocalAction } from './actions/publishLocal';
import { createPublishTargetAction } from './actions/publishTarget';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createVerifyServiceAction } from './actions/verifyService';

/** The IBIAS scaffolder actions. */
export const scaffolderModuleIbias = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'ibias',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, catalog }) {
        const repos = readLocalRepos(config);
        scaffolder.addActions(
          createPublishTargetAction({ config }),
          createPublishLocalAction({ repos }),
          createRegisterLocalAction({ repos, catalog }),
          createVerifyServiceAction({
            npmCommand: config.getOptionalString(
              'ibias.scaffolder.verify.npmCommand',
            ),
            timeoutMs:
              (config.getOptionalNumber(
                'ibias.scaffolder.verify.timeoutSeconds',
              ) ?? 300) * 1000,
          }),
        );
      },
    });
  },
});

/**
 * Lets the catalog accept `file` locations, which ibias:catalog:register-local adds for
 * locally published repositories. Only installed while local publishing is enabled.
 */
export const catalogModuleIbiasLocalRepos = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'ibias-local-repos',
  register(reg) {
    reg.registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ locations, config }) {
        if (readLocalRepos(config).enabled) {
          locations.setAllowedLocationTypes(['url', 'file']);
        }
      },
    });
  },
});
