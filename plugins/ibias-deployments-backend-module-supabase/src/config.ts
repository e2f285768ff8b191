import type { Config } from '@backstage/config';
import type { ProbeLoadProfile } from '@internal/plugin-ibias-deployments-node';

/** The edge function a service deploys as. */
export interface SupabaseFunctionLink {
  slug: string;
  /** The project ref of each environment that has one. */
  refs: Record<string, string>;
  /** `<sourceDir>/<version>/` holds a version's function files. */
  sourceDir: string;
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
        const refs = p.getConfig('refs');
        return [
          service,
          {
            slug,
            refs: Object.fromEntries(
              refs.keys().map(env => [env, refs.getString(env)]),
            ),
            sourceDir: p.getString('sourceDir'),
          },
        ];
      }),
    ),
  };
}

/** What the analysis load sends to a function when an environment configures none. */
export const DEFAULT_SUPABASE_LOAD: ProbeLoadProfile = {
  rps: 10,
  method: 'GET',
  path: '/',
};

/**
 * The analysis load of each environment, from ibias.deployments.environments.<env>.load
 * (the key the local and Vercel targets read), else DEFAULT_SUPABASE_LOAD.
 */
export function readSupabaseLoadProfiles(
  config: Config,
  environments: string[],
): Record<string, ProbeLoadProfile> {
  return Object.fromEntries(
    environments.map(env => {
      const key = `ibias.deployments.environments.${env}.load`;
      const c = config.getOptionalConfig(key);
      if (!c) return [env, DEFAULT_SUPABASE_LOAD];
      const path = c.getOptionalString('path') ?? DEFAULT_SUPABASE_LOAD.path;
      if (!path.startsWith('/')) {
        throw new Error(`${key}.path must start with /`);
      }
      return [
        env,
        {
          rps: c.getNumber('rps'),
          method: c.getOptionalString('method') ?? DEFAULT_SUPABASE_LOAD.method,
          path,
          body: c.getOptionalString('body'),
        },
      ];
    }),
  );
}
