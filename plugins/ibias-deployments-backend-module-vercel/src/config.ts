import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import type { ProbeLoadProfile } from '@internal/plugin-ibias-deployments-node';

/** The Vercel project a service deploys to. */
export interface VercelProjectLink {
  projectId: string;
  repo: { org: string; repo: string };
  productionUrl?: string;
  /** Put before a version to name its git tag (`v` for tags like v1.2.0); default none. */
  tagPrefix?: string;
}

export interface VercelTargetConfig {
  token: string;
  teamId?: string;
  apiUrl: string;
  deploymentUrlBase?: string;
  buildTimeoutMs: number;
  projects: Record<string, VercelProjectLink>;
}

export interface VercelDrainConfig {
  secret?: string;
  verificationCode?: string;
  /** The configured projects' ids: drain entries of other projects are ignored. */
  projectIds: Set<string>;
}

const KEY = 'ibias.deployments.vercel';

function readProjects(c: Config): Record<string, VercelProjectLink> {
  const projects = c.getConfig('projects');
  return Object.fromEntries(
    projects.keys().map(service => {
      const p = projects.getConfig(service);
      return [
        service,
        {
          projectId: p.getString('projectId'),
          repo: {
            org: p.getString('repo.org'),
            repo: p.getString('repo.repo'),
          },
          productionUrl: p.getOptionalString('productionUrl'),
          tagPrefix: p.getOptionalString('tagPrefix'),
        },
      ];
    }),
  );
}

/** ibias.deployments.vercel, or undefined when it is not configured. */
export function readVercelTargetConfig(
  config: Config,
): VercelTargetConfig | undefined {
  const c = config.getOptionalConfig(KEY);
  if (!c) return undefined;
  return {
    token: c.getString('token'),
    teamId: c.getOptionalString('teamId'),
    apiUrl: c.getOptionalString('apiUrl') ?? 'https://api.vercel.com',
    deploymentUrlBase: c.getOptionalString('deploymentUrlBase'),
    buildTimeoutMs: c.has('buildTimeout')
      ? durationToMilliseconds(
          readDurationFromConfig(c, { key: 'buildTimeout' }),
        )
      : 15 * 60_000,
    projects: readProjects(c),
  };
}

/** What the log-drain route needs; empty when ibias.deployments.vercel is not configured. */
export function readVercelDrainConfig(config: Config): VercelDrainConfig {
  const c = config.getOptionalConfig(KEY);
  if (!c) return { projectIds: new Set() };
  return {
    secret: c.getOptionalString('drainSecret'),
    verificationCode: c.getOptionalString('drainVerificationCode'),
    projectIds: new Set(Object.values(readProjects(c)).map(p => p.projectId)),
  };
}

/** What the analysis load sends to a Vercel deployment when an environment configures none. */
export const DEFAULT_VERCEL_LOAD: ProbeLoadProfile = {
  rps: 10,
  method: 'GET',
  path: '/',
};

/**
 * The analysis load of each environment, from ibias.deployments.environments.<env>.load
 * (the same key the local target reads): its rate, and the request when it names one,
 * else `GET /`; an environment without it gets DEFAULT_VERCEL_LOAD.
 */
export function readVercelLoadProfiles(
  config: Config,
  environments: string[],
): Record<string, ProbeLoadProfile> {
  return Object.fromEntries(
    environments.map(env => {
      const key = `ibias.deployments.environments.${env}.load`;
      const c = config.getOptionalConfig(key);
      if (!c) return [env, DEFAULT_VERCEL_LOAD];
      const path = c.getOptionalString('path') ?? DEFAULT_VERCEL_LOAD.path;
      if (!path.startsWith('/')) {
        throw new Error(`${key}.path must start with /`);
      }
      return [
        env,
        {
          rps: c.getNumber('rps'),
          method: c.getOptionalString('method') ?? DEFAULT_VERCEL_LOAD.method,
          path,
          body: c.getOptionalString('body'),
        },
      ];
    }),
  );
}
