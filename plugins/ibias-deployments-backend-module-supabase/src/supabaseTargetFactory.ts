import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  GithubReleaseTags,
  type DeployTargetFactory,
} from '@internal/plugin-ibias-deployments-node';
import { readSupabaseLoadProfiles, readSupabaseTargetConfig } from './config';
import { SupabaseManagementClient } from './SupabaseManagementClient';
import { SupabaseTarget } from './SupabaseTarget';

/**
 * The `supabase` target, made only when an environment chooses it, from
 * ibias.deployments.supabase.
 */
export function supabaseTargetFactory(options: {
  config: Config;
  logger: LoggerService;
  /** Each probe and probe-load request gives up after this long; default 5 s. */
  probeTimeoutMs?: number;
}): DeployTargetFactory {
  return {
    name: 'supabase',
    create({ environments, environmentSettings }) {
      const settings = readSupabaseTargetConfig(options.config);
      if (!settings) {
        throw new Error(
          `ibias.deployments.environments.${environments[0]}.target is supabase but ibias.deployments.supabase is not configured`,
        );
      }
      return new SupabaseTarget({
        client: new SupabaseManagementClient({
          token: settings.token,
          apiUrl: settings.apiUrl,
        }),
        functionsUrl: settings.functionsUrl,
        projects: settings.projects,
        load: readSupabaseLoadProfiles(options.config, environments),
        probeTimeoutMs: options.probeTimeoutMs,
        environmentSettings,
        releases: GithubReleaseTags.fromConfig(options.config, {
          requestTimeoutMs: 10_000,
        }),
        logger: options.logger.child({ target: 'supabase' }),
      });
    },
  };
}
