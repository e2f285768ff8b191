import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { readLocalTargetConfig, type Timeouts } from '../../config';
import type {
  DeployTargetFactory,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';
import { LocalTarget, type LocalTargetOptions } from './LocalTarget';

/** The built-in `local` target (the default of every environment), from config. */
export function localTargetFactory(options: {
  config: Config;
  logger: LoggerService;
  timeouts: Timeouts;
  /** Where the catalog read an entity from (see LocalTargetOptions.locate). */
  locate(entityRef: string): Promise<TargetRef['locations'] | undefined>;
  /** Where started services report their AI usage (see LocalTargetOptions). */
  usageReporting?: LocalTargetOptions['usageReporting'];
}): DeployTargetFactory {
  return {
    name: 'local',
    create() {
      const { config, logger, timeouts } = options;
      return new LocalTarget({
        ...readLocalTargetConfig(config, logger),
        locate: options.locate,
        usageReporting: options.usageReporting,
        logger: logger.child({ target: 'local' }),
        probeTimeoutMs: timeouts.probe,
        upstreamTimeoutMs: timeouts.upstream,
        readyTimeoutMs: timeouts.ready,
        buildTimeoutMs: timeouts.step,
      });
    },
  };
}
