import type { components } from './generated/openapi';
import type { EnvironmentName } from './types';
import type { EnvironmentConfig } from './environmentSchema';
import { plainSecrets } from './secrets';

/** One baseline rule's result, as the API document declares it. */
export type BaselineResult = components['schemas']['BaselineResult'];

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

interface BaselineRule {
  rule: string;
  description: string;
  applies: (env: EnvironmentName) => boolean;
  check: (c: EnvironmentConfig) => string | undefined;
}

const production = (env: EnvironmentName) => env === 'production';
const always = () => true;

/** The baseline every environment is held to (failure message, or undefined). */
export const BASELINE_RULES: BaselineRule[] = [
  {
    rule: 'encryption-aes-256-gcm',
    description: 'Encryption uses aes-256-gcm',
    applies: always,
    check: c =>
      c.security.encryption.algorithm === 'aes-256-gcm'
        ? undefined
        : `algorithm is ${c.security.encryption.algorithm}`,
  },
  {
    rule: 'secrets-are-references',
    description: 'Secrets are references (secret:NAME), never values',
    applies: always,
    check: c => {
      const found = plainSecrets(c);
      return found.length ? `plain values at ${found.join(', ')}` : undefined;
    },
  },
  {
    rule: 'production-database-ssl',
    description: 'The production database connection uses SSL',
    applies: production,
    check: c => (c.database.ssl ? undefined : 'database.ssl is false'),
  },
  {
    rule: 'production-rate-limit',
    description: 'Production rate limits requests',
    applies: production,
    check: c =>
      c.security.rateLimit.enabled
        ? undefined
        : 'security.rateLimit.enabled is false',
  },
  {
    rule: 'production-log-level',
    description: 'Production logs no more verbosely than warn',
    applies: production,
    check: c =>
      LOG_LEVELS.indexOf(c.monitoring.logging.level) >=
      LOG_LEVELS.indexOf('warn')
        ? undefined
        : `monitoring.logging.level is ${c.monitoring.logging.level}`,
  },
  {
    rule: 'production-error-tracking',
    description: 'Production tracks errors',
    applies: production,
    check: c =>
      c.monitoring.sentry.enabled
        ? undefined
        : 'monitoring.sentry.enabled is false',
  },
  {
    rule: 'production-cors-no-wildcard',
    description: 'Production CORS names its origins (no *)',
    applies: production,
    check: c =>
      c.security.cors.origin.includes('*')
        ? 'security.cors.origin contains *'
        : undefined,
  },
];

export function checkBaseline(
  environment: EnvironmentName,
  config: EnvironmentConfig,
): BaselineResult[] {
  return BASELINE_RULES.filter(r => r.applies(environment)).map(r => {
    const failure = r.check(config);
    return {
      rule: r.rule,
      description: r.description,
      passed: failure === undefined,
      detail: failure ?? 'ok',
    };
  });
}

/** A service's environments file as the API returns it: masked, with baseline results. */
export type EnvironmentConfigs = components['schemas']['EnvironmentConfigs'];
