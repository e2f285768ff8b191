import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  GithubReleaseTags,
  type DeployTargetFactory,
} from '@internal/plugin-ibias-deployments-node';
import { Vercel } from '@vercel/sdk';
import { readVercelLoadProfiles, readVercelTargetConfig } from './config';
import type { VercelDrainRecords } from './drain/VercelDrainRecords';
import { VercelTarget } from './VercelTarget';

/**
 * The `vercel` target, made only when an environment chooses it, from
 * ibias.deployments.vercel.
 */
export function vercelTargetFactory(options: {
  config: Config;
  logger: LoggerService;
  records: VercelDrainRecords;
  /** Overrides how a deployment host is reached (tests: the loopback's `urlFor`). */
  resolveUrl?: (host: string) => string;
  pollIntervalMs?: number;
  /** Each probe-load request gives up after this long; default 5 s. */
  probeTimeoutMs?: number;
}): DeployTargetFactory {
  return {
    name: 'vercel',
    create({ environments }) {
      const settings = readVercelTargetConfig(options.config);
      if (!settings) {
        throw new Error(
          `ibias.deployments.environments.${environments[0]}.target is vercel but ibias.deployments.vercel is not configured`,
        );
      }
      const base = settings.deploymentUrlBase?.replace(/\/+$/, '');
      return new VercelTarget({
        client: new Vercel({
          bearerToken: settings.token,
          serverURL: settings.apiUrl,
          timeoutMs: 10_000,
        }),
        api: { url: settings.apiUrl, token: settings.token },
        teamId: settings.teamId,
        canaryWeights: options.config.getOptional<number[]>(
          'ibias.deployments.canaryWeights',
        ),
        projects: settings.projects,
        releases: GithubReleaseTags.fromConfig(options.config, {
          requestTimeoutMs: 10_000,
        }),
        resolveUrl:
          options.resolveUrl ??
          (host => (base ? `${base}/${host}` : `https://${host}`)),
        records: options.records,
        buildTimeoutMs: settings.buildTimeoutMs,
        pollIntervalMs: options.pollIntervalMs,
        probeTimeoutMs: options.probeTimeoutMs,
        load: readVercelLoadProfiles(options.config, environments),
        logger: options.logger.child({ target: 'vercel' }),
      });
    },
  };
}
