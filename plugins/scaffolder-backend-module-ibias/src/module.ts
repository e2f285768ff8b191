import os from 'node:os';
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { readLocalRepos } from './actions/localRepos';
import { createPreflightAction } from './actions/preflight';
import { createPublishLocalAction } from './actions/publishLocal';
import { createPublishTargetAction } from './actions/publishTarget';
import { createRegisterGithubAction } from './actions/registerGithub';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createVerifyServiceAction } from './actions/verifyService';
import { LocalReposEntityProvider } from './catalog/LocalReposEntityProvider';
import { LOCAL_REPOS_CHANGED_TOPIC } from './catalog/localCatalogInfo';
import { removeLegacyFileLocations } from './catalog/removeLegacyFileLocations';
import {
  sweepWorkFolders,
  taskStatusFromDatabase,
} from './workspace/workFolderSweeper';

function readDuration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): HumanDuration {
  return config.has(key) ? readDurationFromConfig(config, { key }) : fallback;
}

/** The IBIAS scaffolder actions, and the sweep of work folders that tasks left behind. */
export const scaffolderModuleIbias = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'ibias',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        events: eventsServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
      },
      async init({
        scaffolder,
        config,
        catalog,
        auth,
        events,
        database,
        scheduler,
        logger,
      }) {
        const repos = readLocalRepos(config);
        scaffolder.addActions(
          createPreflightAction({ catalog, auth, config, repos }),
          createPublishTargetAction({ config }),
          createPublishLocalAction({ repos }),
          createRegisterLocalAction({ repos, catalog, auth, events }),
          createRegisterGithubAction({ config, catalog, auth }),
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

        // The scaffolder's own rule for its working directory (backend.workingDirectory,
        // else the OS temporary folder); the module shares the scaffolder's database.
        const workingDirectory =
          config.getOptionalString('backend.workingDirectory') ?? os.tmpdir();
        const taskStatus = taskStatusFromDatabase(await database.getClient());
        await scheduler.scheduleTask({
          id: 'ibias-work-folder-sweep',
          scope: 'local',
          frequency: readDuration(config, 'ibias.scaffolder.workFolderSweep', {
            seconds: 30,
          }),
          timeout: { minutes: 2 },
          // Leaves the scaffolder a moment to migrate its database on a first start.
          initialDelay: { seconds: 5 },
          fn: async () => {
            await sweepWorkFolders({
              workingDirectory,
              reposDir: repos.enabled ? repos.root : undefined,
              taskStatus,
              logger,
            }).catch(error =>
              logger.warn(`The work folder sweep failed: ${error}`),
            );
          },
        });
      },
    });
  },
});

/**
 * Puts locally published repositories in the catalog: an entity provider emits one
 * `file` Location for each `<localReposDir>/<name>/catalog-info.yaml`, on start, on a
 * short schedule and whenever ibias:catalog:register-local asks (an in-process event).
 * The catalog's allowed location types stay the default (`url`): nobody registers a
 * `file` location through the locations API. Only installed while local publishing is
 * enabled.
 */
export const catalogModuleIbiasLocalRepos = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'ibias-local-repos',
  register(reg) {
    reg.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({
        processing,
        config,
        scheduler,
        events,
        logger,
        catalog,
        auth,
      }) {
        // Soon after start, whatever the configuration: file locations an earlier version
        // let the locations API accept are removed (see removeLegacyFileLocations). The
        // catalog's own API must be up, hence the delay; daily after that.
        await scheduler.scheduleTask({
          id: 'ibias-remove-legacy-file-locations',
          scope: 'global',
          frequency: { hours: 24 },
          initialDelay: { seconds: 20 },
          timeout: { minutes: 1 },
          fn: async () => {
            await removeLegacyFileLocations({ catalog, auth, logger }).catch(
              error =>
                logger.warn(
                  `Could not check for legacy file locations: ${error}`,
                ),
            );
          },
        });
        const repos = readLocalRepos(config);
        if (!repos.enabled) return;
        const provider = new LocalReposEntityProvider({
          root: repos.root,
          logger,
          taskRunner: scheduler.createScheduledTaskRunner({
            scope: 'local',
            frequency: readDuration(
              config,
              'ibias.scaffolder.localReposRefresh',
              { seconds: 30 },
            ),
            timeout: { minutes: 1 },
          }),
        });
        processing.addEntityProvider(provider);
        await events.subscribe({
          id: 'ibias-local-repos',
          topics: [LOCAL_REPOS_CHANGED_TOPIC],
          onEvent: async () => {
            await provider.refresh();
          },
        });
      },
    });
  },
});
