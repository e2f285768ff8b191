import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_PROBE_LOAD,
  readProbeLoadProfiles,
} from '@internal/plugin-ibias-deployments-node';

/** The Vercel project a service deploys to. */
export interface VercelProjectLink {
  projectId: string;
  repo: { org: string; repo: string };
  productionUrl?: string;
  /** Put before a version to name its git tag (`v` for tags like v1.2.0); default none. */
  tagPrefix?: string;
  /**
   * Preview deployments behind an alias instead of production: the environment is the
   * preview deployment the alias points at (development, staging).
   */
  preview?: { alias: string };
  /**
   * Per environment: a project of its own (a staging project beside production's), or
   * previews behind an alias, built from the same repository and tags.
   */
  environments?: Record<string, VercelProjectLink>;
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
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

function readProjects(c: Config): Record<string, VercelProjectLink> {
  const projects = c.getConfig('projects');
  return Object.fromEntries(
    projects.keys().map(service => {
      const p = projects.getConfig(service);
      const link: VercelProjectLink = {
        projectId: p.getString('projectId'),
        repo: {
          org: p.getString('repo.org'),
          repo: p.getString('repo.repo'),
        },
        productionUrl: p.getOptionalString('productionUrl'),
        tagPrefix: p.getOptionalString('tagPrefix'),
      };
      const envs = p.getOptionalConfig('environments');
      if (envs) {
        link.environments = Object.fromEntries(
          envs.keys().map(env => {
            const e = envs.getConfig(env);
            const alias = e.getOptionalString('preview.alias');
            const own = e.getOptionalString('projectId');
            if (
              alias === undefined &&
              (own === undefined || own === link.projectId)
            ) {
              // It would promote the service's production domains.
              throw new Error(
                `${KEY}.projects.${service}.environments.${env} needs a projectId of its own or preview.alias`,
              );
            }
            if (alias !== undefined && !HOSTNAME.test(alias)) {
              throw new Error(
                `${KEY}.projects.${service}.environments.${env}.preview.alias must be a hostname`,
              );
            }
            return [
              env,
              {
                projectId: own ?? link.projectId,
                repo: link.repo,
                productionUrl: e.getOptionalString('productionUrl'),
                tagPrefix: link.tagPrefix,
                ...(alias ? { preview: { alias: alias.toLowerCase() } } : {}),
              },
            ];
          }),
        );
      }
      return [service, link];
    }),
  );
}

/** Every project id configured, environments' own included. */
function projectIdsOf(projects: Record<string, VercelProjectLink>) {
  return new Set(
    Object.values(projects).flatMap(p => [
      p.projectId,
      ...Object.values(p.environments ?? {}).map(e => e.projectId),
    ]),
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
    projectIds: projectIdsOf(readProjects(c)),
  };
}

/** What the analysis load sends when an environment configures none (the shared default). */
export const DEFAULT_VERCEL_LOAD = DEFAULT_PROBE_LOAD;

/** The analysis load of each environment (see readProbeLoadProfiles). */
export const readVercelLoadProfiles = readProbeLoadProfiles;
