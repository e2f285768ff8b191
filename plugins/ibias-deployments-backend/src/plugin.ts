import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  deploymentTargetResourceRef,
  deploymentTargetRules,
  ibiasDeploymentTargetsExtensionPoint,
} from '@internal/plugin-ibias-deployments-node';
import { deploymentsPermissions } from '@internal/plugin-ibias-deployments-common';
import { ServiceCatalogLookup } from './catalog/ServiceCatalogLookup';
import { deploymentTargetResources } from './catalog/targetResources';
import {
  readAnalysisPolicies,
  readCanaryWeights,
  readOwnership,
  readServiceConfig,
  readServiceTargetNames,
  readTargetNames,
  readTimeouts,
} from './config';
import { KnexDeploymentStore } from './database/KnexDeploymentStore';
import { DeployEngine, targetRef } from './engine/DeployEngine';
import { DeploymentService } from './service/DeploymentService';
import { EnvironmentConfigReader } from './service/EnvironmentConfigReader';
import { registerDeploymentActions } from './service/actions';
import {
  createAnnouncer,
  createBreakGlassAnnouncer,
} from './service/announcer';
import { createRouter } from './service/router';
import { PluginHealthCheck } from './health/PluginHealthCheck';
import { DeployTargetRegistry } from './targets/DeployTargetRegistry';
import { kubernetesTargetFactory } from './targets/kubernetes/kubernetesTargetFactory';
import { aiUsageKeysServiceRef } from '@internal/plugin-ibias-ai-costs-node';
import { localTargetFactory } from './targets/local/localTargetFactory';
import { TargetsByEnvironment } from './targets/TargetsByEnvironment';

/**
 * IBIAS deployments: deploy, approve, abort and roll back services per environment, with
 * blue-green, canary and rolling strategies and automatic rollback on evidence. Deploy
 * targets are added through ibiasDeploymentTargetsExtensionPoint; `local` and
 * `kubernetes` are built in.
 *
 * @public
 */
export const ibiasDeploymentsPlugin = createBackendPlugin({
  pluginId: 'ibias-deployments',
  register(env) {
    const targetRegistry = new DeployTargetRegistry();
    env.registerExtensionPoint(ibiasDeploymentTargetsExtensionPoint, {
      addTarget: target => targetRegistry.addTarget(target),
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        lifecycle: coreServices.rootLifecycle,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        actionsRegistry: actionsRegistryServiceRef,
        signals: signalsServiceRef,
        notifications: notificationService,
        catalog: catalogServiceRef,
        usageKeys: aiUsageKeysServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        const canaryWeights = readCanaryWeights(config);
        const policies = readAnalysisPolicies(config);
        const timeouts = readTimeouts(config);
        const settings = readServiceConfig(config);
        const ownership = readOwnership(config);
        const store = await KnexDeploymentStore.create(deps.database);
        const catalogLookup = new ServiceCatalogLookup(deps);

        // The built-in targets, added as a module adds its own.
        targetRegistry.addTarget(
          localTargetFactory({
            config,
            logger,
            timeouts,
            locate: ref => catalogLookup.locationsOf(ref),
            // Each service it starts reports its own AI usage, with a key for itself.
            usageReporting: config.has('backend.baseUrl')
              ? {
                  portalUrl: config.getString('backend.baseUrl'),
                  keyFor: entityRef => deps.usageKeys.issue(entityRef),
                }
              : undefined,
          }),
        );
        targetRegistry.addTarget(
          kubernetesTargetFactory({ config, logger, timeouts }),
        );
        const configReader = new EnvironmentConfigReader({
          urlReader: deps.urlReader,
          fileRoots: settings.fileRoots,
          defaults: settings.environmentDefaults,
        });
        const targets = await targetRegistry.create(
          readTargetNames(config),
          readServiceTargetNames(config),
          {
            // A service's environments file, as the Configuration card reads it.
            environmentSettings: async ref => {
              const entity = await catalogLookup.entity(ref.entityRef);
              if (!entity) return undefined;
              const read = await configReader.read(entity);
              return read.environments[ref.environment]?.config as
                | Record<string, unknown>
                | undefined;
            },
          },
        );
        const target = new TargetsByEnvironment(
          targets.byEnvironment,
          targets.byService,
        );
        // Each target brings back what the database says it runs: the releases of its
        // environments, less the services another target deploys there, plus those it
        // deploys by targetsByService (in the background), before interrupted
        // deployments are recovered below.
        const running = (await store.environmentStates()).map(s => ({
          ref: targetRef(s),
          version: s.version,
        }));
        for (const { target: own } of targets.targets) {
          await own.start?.(
            running.filter(r => target.targetOf(r.ref) === own),
          );
        }
        deps.lifecycle.addShutdownHook(async () => {
          await Promise.all(targets.targets.map(t => t.target.stop?.()));
        });

        // One announcer for every change, whether the engine or the service made it.
        const onChange = createAnnouncer({
          signals: deps.signals,
          notifications: deps.notifications,
          ownerOf: ref => catalogLookup.ownerOf(ref),
          logger,
        });
        const engine = new DeployEngine({
          store,
          target,
          logger,
          analysisPolicy: e => policies[e],
          stepTimeoutMs: timeouts.step,
          heartbeatMs: ownership.heartbeat,
          leaseMs: ownership.lease,
          databaseRetryMs: ownership.databaseRetry,
          onChange,
        });
        engine.start();
        deps.lifecycle.addShutdownHook(() => engine.stop());
        const service = new DeploymentService({
          configReader,
          store,
          engine,
          target,
          catalog: deps.catalog,
          permissions: deps.permissions,
          auditor: deps.auditor,
          canaryWeights,
          approvalTtlMinutes: settings.approvalTtlMinutes,
          analysisPolicy: e => policies[e],
          onChange,
          onBreakGlass: createBreakGlassAnnouncer({
            notifications: deps.notifications,
            releaseManagers: settings.releaseManagers,
            logger,
          }),
        });
        deps.permissionsRegistry.addResourceType({
          resourceRef: deploymentTargetResourceRef,
          permissions: deploymentsPermissions,
          rules: Object.values(deploymentTargetRules),
          getResources: deploymentTargetResources(catalogLookup),
        });
        registerDeploymentActions(deps.actionsRegistry, service);
        const health = new PluginHealthCheck({
          store,
          engine,
          targets: targets.targets.map(t => t.target),
        });
        deps.httpRouter.use(
          createRouter({
            service,
            httpAuth: deps.httpAuth,
            health,
          }),
        );
        // For operators and the portal's status display; says nothing secret.
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        // Finish or roll back what nobody works on any more: at start (a crash, a
        // restart), then on every sweep (a dead replica, a stuck engine, a database
        // outage longer than the engine's retries). Every replica sweeps; claiming is
        // compare-and-set, so one takes each deployment over.
        // A database that does not answer at start must not stop the plugin: the
        // scheduled sweep does the same work once it answers.
        await engine
          .recover()
          .catch(e => logger.warn(`The first sweep failed: ${e}`));
        await deps.scheduler.scheduleTask({
          id: 'ibias-deployments-sweep',
          frequency: { milliseconds: ownership.sweepInterval },
          timeout: { minutes: 1 },
          initialDelay: { milliseconds: ownership.sweepInterval },
          scope: 'local',
          fn: async () => {
            const { started, rolledBack } = await engine.sweep();
            if (started.length + rolledBack.length > 0) {
              logger.info(
                `Sweep: started ${started.length}, rolling back ${rolledBack.length} abandoned deployment(s)`,
              );
            }
          },
        });
        await deps.scheduler.scheduleTask({
          id: 'ibias-deployments-expire-approvals',
          frequency: { seconds: 30 },
          timeout: { seconds: 25 },
          scope: 'local',
          fn: async () => {
            const n = await service.expireApprovals();
            if (n > 0) logger.info(`${n} approval(s) expired`);
          },
        });
      },
    });
  },
});
