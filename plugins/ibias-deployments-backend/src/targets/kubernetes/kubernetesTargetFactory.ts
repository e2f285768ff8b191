import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  readKubernetesTargetConfig,
  readPrometheusConfig,
  type Timeouts,
} from '../../config';
import { PrometheusMetrics } from '../PrometheusMetrics';
import type { DeployTargetFactory } from '@internal/plugin-ibias-deployments-node';
import { GithubReleaseTags } from '@internal/plugin-ibias-deployments-node';
import { KubernetesTarget } from './KubernetesTarget';

/**
 * The built-in `kubernetes` target, from ibias.deployments.kubernetes and the cluster of
 * that name configured for Backstage's Kubernetes plugin.
 */
export function kubernetesTargetFactory(options: {
  config: Config;
  logger: LoggerService;
  timeouts: Timeouts;
}): DeployTargetFactory {
  return {
    name: 'kubernetes',
    create({ environments }) {
      const { config, timeouts } = options;
      const settings = readKubernetesTargetConfig(config);
      if (!settings) {
        throw new Error(
          `ibias.deployments.environments.${environments[0]}.target is kubernetes but ibias.deployments.kubernetes is not configured`,
        );
      }
      const prometheus = readPrometheusConfig(config);
      return new KubernetesTarget({
        ...settings,
        logger: options.logger.child({ target: 'kubernetes' }),
        requestTimeoutMs: timeouts.kubernetesRequest,
        // A service's versions are the release tags of its GitHub repository (its
        // backstage.io/source-location), read through the GitHub integration.
        releases: GithubReleaseTags.fromConfig(config, {
          requestTimeoutMs: timeouts.kubernetesRequest,
        }),
        metrics: prometheus
          ? new PrometheusMetrics({
              url: prometheus.url,
              match: 'service',
              timeoutMs: timeouts.probe,
            })
          : undefined,
      });
    },
  };
}
