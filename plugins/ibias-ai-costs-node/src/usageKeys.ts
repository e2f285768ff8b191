import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';

/**
 * Keys that let one service report its own AI usage and nothing else: the key names its
 * entity and carries an HMAC of it, so the portal verifies it without a table and the
 * service holds no secret of the portal's. The deployments plugin gives each service it
 * starts the key of that service (IBIAS_AI_USAGE_KEY).
 *
 * @public
 */
export interface AiUsageKeys {
  /** The key of one entity (a lowercased entity ref). */
  issue(entityRef: string): string;
  /** The entity a key was issued for, or undefined when the key is not one of ours. */
  verify(key: string): string | undefined;
}

const PREFIX = 'ibias-usage.v1.';
/** The header a service sends its key in (Authorization stays Backstage's). */
export const AI_USAGE_KEY_HEADER = 'x-ibias-usage-key';

/** @public */
export function createAiUsageKeys(secret: Buffer | string): AiUsageKeys {
  const mac = (ref: string) =>
    createHmac('sha256', secret).update(`${PREFIX}${ref}`).digest();
  return {
    issue(entityRef) {
      const ref = entityRef.toLocaleLowerCase('en-US');
      return `${PREFIX}${Buffer.from(ref).toString('base64url')}.${mac(
        ref,
      ).toString('base64url')}`;
    },
    verify(key) {
      if (typeof key !== 'string' || key.length > 1024) return undefined;
      if (!key.startsWith(PREFIX)) return undefined;
      const [encodedRef, signature, ...rest] = key
        .slice(PREFIX.length)
        .split('.');
      if (!encodedRef || !signature || rest.length > 0) return undefined;
      const ref = Buffer.from(encodedRef, 'base64url').toString('utf8');
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(ref);
      if (given.length !== expected.length) return undefined;
      return timingSafeEqual(given, expected) ? ref : undefined;
    },
  };
}

/**
 * One per backend (root scope), so the plugin that hands keys out and the one that checks
 * them agree. The secret is `ibias.aiCosts.usageKeySecret`; unset, a random one per backend
 * process (keys then last until the restart, when the deployments plugin restarts its
 * services with new ones; several replicas need the configured secret).
 *
 * @public
 */
export const aiUsageKeysServiceRef = createServiceRef<AiUsageKeys>({
  id: 'ibias.ai-costs.usage-keys',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
      },
      factory({ config, logger }) {
        const configured = config.getOptionalString(
          'ibias.aiCosts.usageKeySecret',
        );
        if (configured && configured.length < 32) {
          throw new Error(
            'ibias.aiCosts.usageKeySecret must be at least 32 characters',
          );
        }
        if (!configured) {
          logger.info(
            'AI usage keys: no ibias.aiCosts.usageKeySecret, so keys are signed with a secret of this process (set one when several replicas run)',
          );
        }
        return createAiUsageKeys(configured || randomBytes(32));
      },
    }),
});
