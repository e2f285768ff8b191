import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_ANALYSIS_POLICY,
  DEFAULT_CANARY_WEIGHTS,
  ENVIRONMENTS,
  isReleaseTag,
  validateCanaryWeights,
  type AnalysisPolicy,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { readReleaseManagers } from '@internal/plugin-ibias-deployments-node';
import {
  DEFAULT_OWNERSHIP,
  DEFAULT_STEP_TIMEOUT_MS,
} from './engine/DeployEngine';
import type { KubernetesCluster } from './targets/kubernetes/KubernetesTarget';
import type { LoadProfile } from './targets/local/LoadGenerator';
import type { LocalRelease } from './targets/local/LocalTarget';

/** The target an environment uses when `ibias.deployments.environments.<env>.target` is unset. */
export const DEFAULT_TARGET = 'local';

/** ibias.deployments.canaryWeights: rising percentages ending at 100 (default 10, 50, 100). */
export function readCanaryWeights(config: Config): number[] {
  const weights = (
    config.getOptional<number[]>('ibias.deployments.canaryWeights') ??
    DEFAULT_CANARY_WEIGHTS
  ).map(Number);
  const problem = validateCanaryWeights(weights);
  if (problem) throw new Error(`ibias.deployments.canaryWeights: ${problem}`);
  return weights;
}

/** Minutes a production deployment waits for approval when unset. */
export const DEFAULT_APPROVAL_TTL_MINUTES = 60;

/**
 * What the deployment service itself reads: where environments files may be read from,
 * the defaults they are layered on, how long an approval waits, and who approves.
 */
export function readServiceConfig(config: Config) {
  const ttlKey = 'ibias.deployments.approvalTtlMinutes';
  const approvalTtlMinutes =
    config.getOptionalNumber(ttlKey) ?? DEFAULT_APPROVAL_TTL_MINUTES;
  if (
    !Number.isInteger(approvalTtlMinutes) ||
    approvalTtlMinutes < 1 ||
    approvalTtlMinutes > 7 * 24 * 60
  ) {
    throw new Error(
      `${ttlKey}: a whole number of minutes from 1 to 10080 (a week), got ${approvalTtlMinutes}`,
    );
  }
  const defaults = config.getOptionalConfig(
    'ibias.deployments.environmentDefaults',
  );
  return {
    /** Absolute; relative entries resolve against the backend's working folder. */
    fileRoots: (
      config.getOptionalStringArray('ibias.deployments.fileRoots') ?? []
    ).map(root => path.resolve(root)),
    environmentDefaults: defaults?.get<Record<string, unknown>>(),
    approvalTtlMinutes,
    releaseManagers: readReleaseManagers(config),
  };
}

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

/** Which target deploys each environment, by name (ibias.deployments.environments.<env>.target). */
export function readTargetNames(
  config: Config,
): Record<EnvironmentName, string> {
  const out = {} as Record<EnvironmentName, string>;
  for (const env of ENVIRONMENTS) {
    out[env] =
      config.getOptionalString(
        `ibias.deployments.environments.${env}.target`,
      ) ?? DEFAULT_TARGET;
  }
  return out;
}

/** A full entity ref, kind:namespace/name, as deployments name services. */
const FULL_ENTITY_REF = /^[^:/\s]+:[^:/\s]+\/[^:/\s]+$/;

/**
 * Which target deploys a service in an environment instead of the environment's own
 * (ibias.deployments.environments.<env>.targetsByService: entity ref → target name),
 * per environment, the refs lowercased as deployments carry them.
 */
export function readServiceTargetNames(
  config: Config,
): Record<EnvironmentName, Record<string, string>> {
  const out = {} as Record<EnvironmentName, Record<string, string>>;
  for (const env of ENVIRONMENTS) {
    const key = `ibias.deployments.environments.${env}.targetsByService`;
    // Read whole: an entity ref (its colon, slash, maybe dots) is no config key.
    const byRef = config.getOptional<Record<string, unknown>>(key) ?? {};
    out[env] = {};
    for (const [ref, target] of Object.entries(byRef)) {
      if (!FULL_ENTITY_REF.test(ref)) {
        throw new Error(
          `${key}: ${JSON.stringify(
            ref.slice(0, 200),
          )} is not a full entity ref (kind:namespace/name, e.g. component:default/ibias-web)`,
        );
      }
      const lower = ref.toLocaleLowerCase('en-US');
      if (lower in out[env]) {
        throw new Error(`${key}: ${lower} is named twice (letter case aside)`);
      }
      if (typeof target !== 'string' || !target) {
        throw new Error(
          `${key}.${lower}: a target name, got ${JSON.stringify(target)}`,
        );
      }
      out[env][lower] = target;
    }
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

export type Timeouts = Record<keyof typeof DEFAULT_TIMEOUTS, number>;

/** The defaults of ibias.deployments.ownership, in milliseconds. */
export const DEFAULT_OWNERSHIP_CONFIG = {
  heartbeat: DEFAULT_OWNERSHIP.heartbeatMs,
  lease: DEFAULT_OWNERSHIP.leaseMs,
  sweepInterval: 15_000,
  databaseRetry: DEFAULT_OWNERSHIP.databaseRetryMs,
} as const;

export type Ownership = Record<keyof typeof DEFAULT_OWNERSHIP_CONFIG, number>;

/**
 * ibias.deployments.ownership: how often an engine beats the heartbeat of what it runs,
 * after how long without one a deployment counts as abandoned, how often the sweep
 * looks, and how long a write waits out an unreachable database. The lease must span
 * at least two heartbeats, so one late beat never hands a live deployment over.
 */
export function readOwnership(config: Config): Ownership {
  const c = config.getOptionalConfig('ibias.deployments.ownership');
  const read = (key: keyof typeof DEFAULT_OWNERSHIP_CONFIG) => {
    if (!c?.has(key)) return DEFAULT_OWNERSHIP_CONFIG[key];
    const ms = durationToMilliseconds(readDurationFromConfig(c, { key }));
    if (!(ms > 0)) {
      throw new Error(`ibias.deployments.ownership.${key} must be positive`);
    }
    return ms;
  };
  const out = {
    heartbeat: read('heartbeat'),
    lease: read('lease'),
    sweepInterval: read('sweepInterval'),
    databaseRetry: read('databaseRetry'),
  };
  if (out.lease < 2 * out.heartbeat) {
    throw new Error(
      `ibias.deployments.ownership.lease (${
        out.lease
      } ms) must be at least two heartbeats (${2 * out.heartbeat} ms)`,
    );
  }
  return out;
}

/**
 * ibias.deployments.timeouts: how long a target call in an engine step, a probe or
 * health request, an upstream behind the local router, a sample's start and a
 * Kubernetes API request may take (durations: `{ seconds: 5 }`, '5s', 'PT5S').
 */
export function readTimeouts(config: Config): Timeouts {
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
 * ibias.deployments.metrics: Prometheus' URL and the file_sd file the local target writes
 * when `source` is prometheus, else undefined (analysis reads the local router's own
 * metrics).
 */
export function readPrometheusConfig(config: Config) {
  const metrics = config.getOptionalConfig('ibias.deployments.metrics');
  return metrics?.getOptionalString('source') === 'prometheus'
    ? {
        url: metrics.getString('prometheus.url'),
        targetsFile: path.resolve(metrics.getString('prometheus.targetsFile')),
      }
    : undefined;
}

/**
 * ibias.deployments.metrics.prometheus.targetsFile, resolved: where the local target
 * writes its instances as file_sd targets whenever it is set, whatever analysis reads,
 * so a Prometheus (the embedded one of `npm start`) scrapes deployed services for the
 * Metrics tab while analysis still reads the router.
 */
export function readPrometheusTargetsFile(config: Config): string | undefined {
  const file = config.getOptionalString(
    'ibias.deployments.metrics.prometheus.targetsFile',
  );
  return file ? path.resolve(file) : undefined;
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
  // Per sample: what the analysis load sends to it (its own API), and extra settings.
  const serviceLoad: Record<string, Omit<LoadProfile, 'rps'>> = {};
  const serviceEnv: Record<string, Record<string, string>> = {};
  const samplesConfig = local?.getOptionalConfig('samples');
  for (const name of samplesConfig?.keys() ?? []) {
    const sample = samplesConfig!.getConfig(name);
    const l = sample.getOptionalConfig('load');
    if (l) {
      const loadPath = l.getString('path');
      if (!loadPath.startsWith('/')) {
        throw new Error(
          `ibias.deployments.local.samples.${name}.load.path must start with /`,
        );
      }
      serviceLoad[name] = {
        method: l.getOptionalString('method') ?? 'POST',
        path: loadPath,
        body: l.getOptionalString('body'),
      };
    }
    const env = sample.getOptionalConfig('env');
    if (env) {
      serviceEnv[name] = Object.fromEntries(
        env.keys().map(k => [k, env.getString(k)]),
      );
    }
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
  return {
    prometheus: readPrometheusConfig(config),
    prometheusTargetsFile: readPrometheusTargetsFile(config),
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
    serviceLoad,
    serviceEnv,
  };
}

/**
 * ibias.deployments.kubernetes, with the cluster of that name configured for Backstage's
 * Kubernetes plugin (kubernetes.clusterLocatorMethods); undefined when not configured.
 */
export function readKubernetesTargetConfig(config: Config):
  | {
      cluster: KubernetesCluster;
      namespace: string;
      imageRepository: string;
      replicas: number;
    }
  | undefined {
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
  return {
    cluster: {
      name: clusterName,
      url: cluster.getString('url'),
      token: cluster.getString('serviceAccountToken'),
    },
    namespace: k.getOptionalString('namespace') ?? 'ibias',
    imageRepository: k.getString('imageRepository'),
    replicas: k.getOptionalNumber('replicas') ?? 4,
  };
}
