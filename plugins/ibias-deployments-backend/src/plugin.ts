import path from 'node:path';
import {
  coreServices,
  createBackendPlugin,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  deploymentTargetResourceRef,
  deploymentTargetRules,
} from '@internal/plugin-ibias-deployments-node';
import {
  DEFAULT_ANALYSIS_POLICY,
  DEFAULT_CANARY_WEIGHTS,
  deploymentsPermissions,
  ENVIRONMENTS,
  isReleaseTag,
  parseTargetResourceRef,
  validateCanaryWeights,
  type AnalysisPolicy,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { KnexDeploymentStore } from './database/KnexDeploymentStore';
import {
  DEFAULT_STEP_TIMEOUT_MS,
  DeployEngine,
  targetRef,
} from './engine/DeployEngine';
import {
  DeploymentService,
  entityLocations,
} from './service/DeploymentService';
import { EnvironmentConfigReader } from './service/EnvironmentConfigReader';
import { registerDeploymentActions } from './service/actions';
import {
  createAnnouncer,
  createBreakGlassAnnouncer,
} from './service/announcer';
import { createRouter } from './service/router';
import { GithubReleaseTags } from './targets/kubernetes/GithubReleaseTags';
import { KubernetesTarget } from './targets/kubernetes/KubernetesTarget';
import { PrometheusMetrics } from './targets/PrometheusMetrics';
import { TargetsByEnvironment } from './targets/TargetsByEnvironment';
import type { DeployTarget } from './targets/types';
import {
  LocalTarget,
  type LoadProfile,
  type LocalRelease,
} from './targets/local/LocalTarget';

/** Per-environment analysis policy: the defaults, then ibias.deployments.environments.<env>.analysis. */
export function readAnalysisPolicies(
  config: Config,
): Record<EnvironmentName, AnalysisPolicy> {
  const out = {} as Record<EnvironmentName, AnalysisPolicy>;
  for (const env of ENVIRONMENTS) {
    const c = config.getOptionalConfig(
      `ibias.deployments.environments.${env}.analysis`,
    );
    const num = (key: keyof AnalysisPolicy) =>
      c?.getOptionalNumber(key) ?? DEFAULT_ANALYSIS_POLICY[key];
    out[env] = {
      errorRate: num('errorRate'),
      p95LatencyMs: num('p95LatencyMs'),
      intervalSeconds: num('intervalSeconds'),
      intervals: num('intervals'),
      consecutiveBreaches: num('consecutiveBreaches'),
      minSamples: num('minSamples'),
    };
  }
  return out;
}

/** The defaults of ibias.deployments.timeouts, in milliseconds. */
export const DEFAULT_TIMEOUTS = {
  step: DEFAULT_STEP_TIMEOUT_MS,
  probe: 5_000,
  upstream: 30_000,
  ready: 30_000,
  kubernetesRequest: 30_000,
} as const;

/**
 * ibias.deployments.timeouts: how long a target call in an engine step, a probe or
 * health request, an upstream behind the local router, a sample's start and a
 * Kubernetes API request may take (durations: `{ seconds: 5 }`, '5s', 'PT5S').
 */
export function readTimeouts(
  config: Config,
): Record<keyof typeof DEFAULT_TIMEOUTS, number> {
  const c = config.getOptionalConfig('ibias.deployments.timeouts');
  const read = (key: keyof typeof DEFAULT_TIMEOUTS) => {
    if (!c?.has(key)) return DEFAULT_TIMEOUTS[key];
    const ms = durationToMilliseconds(readDurationFromConfig(c, { key }));
    if (!(ms > 0)) {
      throw new Error(`ibias.deployments.timeouts.${key} must be positive`);
    }
    return ms;
  };
  return {
    step: read('step'),
    probe: read('probe'),
    upstream: read('upstream'),
    ready: read('ready'),
    kubernetesRequest: read('kubernetesRequest'),
  };
}

/**
 * The kubernetes target, from ibias.deployments.kubernetes and the cluster of that name
 * configured for Backstage's Kubernetes plugin (kubernetes.clusterLocatorMethods).
 */
function readKubernetesTarget(
  config: Config,
  logger: LoggerService,
  timeouts: ReturnType<typeof readTimeouts>,
  prometheusUrl?: string,
): KubernetesTarget | undefined {
  const k = config.getOptionalConfig('ibias.deployments.kubernetes');
  if (!k) return undefined;
  const clusterName = k.getString('cluster');
  const clusters = (
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? []
  ).flatMap(m => m.getOptionalConfigArray('clusters') ?? []);
  const cluster = clusters.find(c => c.getString('name') === clusterName);
  if (!cluster) {
    throw new Error(
      `ibias.deployments.kubernetes.cluster ${clusterName} is not among the Kubernetes plugin's clusters`,
    );
  }
  return new KubernetesTarget({
    cluster: {
      name: clusterName,
      url: cluster.getString('url'),
      token: cluster.getString('serviceAccountToken'),
    },
    namespace: k.getOptionalString('namespace') ?? 'ibias',
    imageRepository: k.getString('imageRepository'),
    replicas: k.getOptionalNumber('replicas') ?? 4,
    logger: logger.child({ target: 'kubernetes' }),
    requestTimeoutMs: timeouts.kubernetesRequest,
    // A service's versions are the release tags of its GitHub repository (its
    // backstage.io/source-location), read through the GitHub integration.
    releases: GithubReleaseTags.fromConfig(config, {
      requestTimeoutMs: timeouts.kubernetesRequest,
    }),
    metrics: prometheusUrl
      ? new PrometheusMetrics({
          url: prometheusUrl,
          match: 'service',
          timeoutMs: timeouts.probe,
        })
      : undefined,
  });
}

/**
 * ibias.deployments.local: the samples (`samples`, made into repositories from
 * `servicesDir` and the patches in `releasesDir`), the extra settings per release
 * (`releases.<name>`: `[{ version, env }]`) and where services created in the portal
 * live (ibias.scaffolder.localReposDir). Before `samples` existed, `releases` named the
 * samples: a config without `samples` still means that, with a warning.
 */
export function readLocalTargetConfig(config: Config, logger?: LoggerService) {
  const local = config.getOptionalConfig('ibias.deployments.local');
  const servicesDir = path.resolve(
    local?.getOptionalString('servicesDir') ?? '../../services',
  );
  const releases: Record<string, Record<string, LocalRelease>> = {};
  const releasesConfig = local?.getOptionalConfig('releases');
  for (const service of releasesConfig?.keys() ?? []) {
    releases[service] = {};
    releasesConfig!.getConfigArray(service).forEach((release, i) => {
      const version = release.getString('version');
      if (!isReleaseTag(version)) {
        throw new Error(
          `ibias.deployments.local.releases.${service}[${i}].version must be a release version like 1.2.0, not ${JSON.stringify(
            version.slice(0, 100),
          )}`,
        );
      }
      const env = release.getOptionalConfig('env');
      releases[service][version] = {
        env: env
          ? Object.fromEntries(env.keys().map(k => [k, env.getString(k)]))
          : undefined,
      };
    });
  }
  let sampleNames = local?.getOptionalConfig('samples')?.keys();
  if (!sampleNames && releasesConfig) {
    sampleNames = Object.keys(releases);
    logger?.warn(
      `ibias.deployments.local.samples is not set: taking the samples from ibias.deployments.local.releases (${sampleNames.join(
        ', ',
      )}). Releases are now the tags of each sample's repository; set samples: { <name>: {} } and keep releases for extra settings per version`,
    );
  }
  const reposDir = config.getOptionalString('ibias.scaffolder.localReposDir');
  const load: Partial<Record<EnvironmentName, LoadProfile>> = {};
  for (const env of ENVIRONMENTS) {
    const c = config.getOptionalConfig(
      `ibias.deployments.environments.${env}.load`,
    );
    if (c) {
      load[env] = {
        rps: c.getNumber('rps'),
        method: c.getOptionalString('method') ?? 'POST',
        path: c.getOptionalString('path') ?? '/api/v1/echo',
        body: c.getOptionalString('body') ?? '{"message":"load"}',
      };
    }
  }
  const metrics = config.getOptionalConfig('ibias.deployments.metrics');
  const prometheus =
    metrics?.getOptionalString('source') === 'prometheus'
      ? {
          url: metrics.getString('prometheus.url'),
          targetsFile: path.resolve(
            metrics.getString('prometheus.targetsFile'),
          ),
        }
      : undefined;
  return {
    prometheus,
    reposDir: reposDir ? path.resolve(reposDir) : undefined,
    samples: {
      names: sampleNames ?? [],
      servicesDir,
      releasesDir: path.resolve(
        local?.getOptionalString('releasesDir') ??
          path.join(servicesDir, 'releases'),
      ),
    },
    workDir: path.resolve(
      local?.getOptionalString('workDir') ?? '../../data/deployments',
    ),
    releases,
    load,
  };
}

/**
 * IBIAS deployments: deploy, approve, abort and roll back services per environment, with
 * blue-green, canary and rolling strategies and automatic rollback on evidence.
 *
 * @public
 */
export const ibiasDeploymentsPlugin = createBackendPlugin({
  pluginId: 'ibias-deployments',
  register(env) {
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
      },
      async init(deps) {
        const { config, logger } = deps;
        const canaryWeights = (
          config.getOptional<number[]>('ibias.deployments.canaryWeights') ??
          DEFAULT_CANARY_WEIGHTS
        ).map(Number);
        const weightsProblem = validateCanaryWeights(canaryWeights);
        if (weightsProblem) {
          throw new Error(`ibias.deployments.canaryWeights: ${weightsProblem}`);
        }
        const policies = readAnalysisPolicies(config);
        const timeouts = readTimeouts(config);
        const store = await KnexDeploymentStore.create(deps.database);
        const localConfig = readLocalTargetConfig(config, logger);
        // Where the catalog read an entity from, for target calls rebuilt from a stored
        // deployment (the engine, the restore): undefined when it is gone.
        const locate = async (entityRef: string) => {
          const entity = await deps.catalog
            .getEntityByRef(entityRef, {
              credentials: await deps.auth.getOwnServiceCredentials(),
            })
            .catch(() => undefined);
          return entity ? entityLocations(entity) : undefined;
        };
        const local = new LocalTarget({
          ...localConfig,
          locate,
          logger: logger.child({ target: 'local' }),
          probeTimeoutMs: timeouts.probe,
          upstreamTimeoutMs: timeouts.upstream,
          readyTimeoutMs: timeouts.ready,
          buildTimeoutMs: timeouts.step,
        });
        await local.reapOrphans();
        await local.prepareSamples();
        const kubernetes = readKubernetesTarget(
          config,
          logger,
          timeouts,
          localConfig.prometheus?.url,
        );
        const targets = {} as Record<EnvironmentName, DeployTarget>;
        for (const environment of ENVIRONMENTS) {
          const kind =
            config.getOptionalString(
              `ibias.deployments.environments.${environment}.target`,
            ) ?? 'local';
          if (kind === 'kubernetes' && !kubernetes) {
            throw new Error(
              `ibias.deployments.environments.${environment}.target is kubernetes but ibias.deployments.kubernetes is not configured`,
            );
          }
          targets[environment] = kind === 'kubernetes' ? kubernetes! : local;
        }
        const target = new TargetsByEnvironment(targets);
        // The owner of a service (normalised entity ref, as ownership claims are);
        // undefined when it is not in the catalog.
        const lookupOwner = async (entityRef: string) => {
          const entity = await deps.catalog
            .getEntityByRef(entityRef, {
              credentials: await deps.auth.getOwnServiceCredentials(),
            })
            .catch(() => undefined);
          if (!entity) return undefined;
          const owner = entity.spec?.owner;
          return {
            owner:
              typeof owner === 'string'
                ? stringifyEntityRef(
                    parseEntityRef(owner, {
                      defaultKind: 'group',
                      defaultNamespace: entity.metadata.namespace,
                    }),
                  ).toLocaleLowerCase('en-US')
                : undefined,
          };
        };
        const engine = new DeployEngine({
          store,
          target,
          logger,
          analysisPolicy: e => policies[e],
          stepTimeoutMs: timeouts.step,
          onChange: createAnnouncer({
            signals: deps.signals,
            notifications: deps.notifications,
            ownerOf: async ref => (await lookupOwner(ref))?.owner,
            logger,
          }),
        });
        const configReader = new EnvironmentConfigReader({
          urlReader: deps.urlReader,
          fileRoots: (
            config.getOptionalStringArray('ibias.deployments.fileRoots') ?? []
          ).map(root => path.resolve(root)),
          defaults: config.getOptional<Record<string, unknown>>(
            'ibias.deployments.environmentDefaults',
          ),
        });
        const service = new DeploymentService({
          configReader,
          store,
          engine,
          target,
          catalog: deps.catalog,
          permissions: deps.permissions,
          auditor: deps.auditor,
          canaryWeights,
          approvalTtlMinutes:
            config.getOptionalNumber('ibias.deployments.approvalTtlMinutes') ??
            60,
          analysisPolicy: e => policies[e],
          onBreakGlass: createBreakGlassAnnouncer({
            notifications: deps.notifications,
            releaseManagers: config
              .getOptionalString('ibias.deployments.releaseManagers')
              ?.toLocaleLowerCase('en-US'),
            logger,
          }),
        });
        deps.permissionsRegistry.addResourceType({
          resourceRef: deploymentTargetResourceRef,
          permissions: deploymentsPermissions,
          rules: Object.values(deploymentTargetRules),
          getResources: refs =>
            Promise.all(
              refs.map(async ref => {
                const parsed = parseTargetResourceRef(ref);
                const found = parsed && (await lookupOwner(parsed.entityRef));
                return found ? { ...parsed, ...found } : undefined;
              }),
            ),
        });
        registerDeploymentActions(deps.actionsRegistry, service);
        deps.httpRouter.use(
          createRouter({
            service,
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
          }),
        );
        // Bring back what runs, then finish or roll back what a crash interrupted.
        for (const state of await store.environmentStates()) {
          const ref = targetRef(state);
          if (targets[state.environment] === local) {
            local
              .restore(ref, state.version)
              .catch(e =>
                logger.warn(
                  `Could not restore ${state.entityRef} ${state.environment}: ${e}`,
                ),
              );
          }
        }
        await engine.recover();
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
        deps.lifecycle.addShutdownHook(() => local.stop());
      },
    });
  },
});
