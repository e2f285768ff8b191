import type { Config } from '@backstage/config';
import {
  DEFAULT_PROBE_LOAD,
  readProbeLoadProfiles,
} from '@internal/plugin-ibias-deployments-node';

/** The edge function a service deploys as. */
export interface SupabaseFunctionLink {
  slug: string;
  /** The project ref of each environment configured here. */
  refs: Record<string, string>;
  /**
   * Per environment, the project refs the service's environments file may choose from
   * (`<env>.supabase.projectRef`); that environment's `refs` entry is allowed too.
   */
  allowedRefs?: Record<string, string[]>;
  /** `<sourceDir>/<version>/` holds a version's function files (or `source`). */
  sourceDir?: string;
  /**
   * The function's folder in the service's repository, read at each release tag
   * through the GitHub integration (or `sourceDir`).
   */
  source?: { path: string; repository: string };
}

export interface SupabaseTargetConfig {
  token: string;
  apiUrl: string;
  /** With `{ref}` for the project ref. */
  functionsUrl: string;
  projects: Record<string, SupabaseFunctionLink>;
}

const KEY = 'ibias.deployments.supabase';
const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;

function sourceOf(
  service: string,
  p: Config,
): Pick<SupabaseFunctionLink, 'sourceDir' | 'source'> {
  const sourceDir = p.getOptionalString('sourceDir');
  const path = p.getOptionalString('source.path');
  if ((sourceDir === undefined) === (path === undefined)) {
    throw new Error(
      `${KEY}.projects.${service} needs exactly one of sourceDir and source.path`,
    );
  }
  if (path !== undefined) {
    return {
      source: {
        path,
        // From config, never the entity's source location: its author may set that.
        repository: p.getString('source.repository'),
      },
    };
  }
  return { sourceDir };
}

/** ibias.deployments.supabase, or undefined when it is not configured. */
export function readSupabaseTargetConfig(
  config: Config,
): SupabaseTargetConfig | undefined {
  const c = config.getOptionalConfig(KEY);
  if (!c) return undefined;
  const projects = c.getConfig('projects');
  return {
    token: c.getString('token'),
    apiUrl: c.getOptionalString('apiUrl') ?? 'https://api.supabase.com',
    functionsUrl:
      c.getOptionalString('functionsUrl') ?? 'https://{ref}.supabase.co',
    projects: Object.fromEntries(
      projects.keys().map(service => {
        const p = projects.getConfig(service);
        const slug = p.getString('slug');
        if (!SLUG.test(slug)) {
          throw new Error(
            `${KEY}.projects.${service}.slug must match ${SLUG.source}`,
          );
        }
        const refs = p.getOptionalConfig('refs');
        const allowed = p.getOptionalConfig('allowedRefs');
        const allowedRefs = allowed
          ? Object.fromEntries(
              allowed.keys().map(env => [env, allowed.getStringArray(env)]),
            )
          : undefined;
        return [
          service,
          {
            slug,
            refs: Object.fromEntries(
              (refs?.keys() ?? []).map(env => [env, refs!.getString(env)]),
            ),
            ...(allowedRefs ? { allowedRefs } : {}),
            ...sourceOf(service, p),
          },
        ];
      }),
    ),
  };
}

/** What the analysis load sends when an environment configures none (the shared default). */
export const DEFAULT_SUPABASE_LOAD = DEFAULT_PROBE_LOAD;

/** The analysis load of each environment (see readProbeLoadProfiles). */
export const readSupabaseLoadProfiles = readProbeLoadProfiles;
