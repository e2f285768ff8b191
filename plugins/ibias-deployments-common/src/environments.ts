import { z } from 'zod';
import { ENVIRONMENTS, type EnvironmentName } from './types';

// The seed's EnvironmentConfig, as it appears in a service's environments file
// (annotation ibias.io/environments). Unknown keys are kept (passthrough) so that a
// service can carry more than the portal knows about.
const secretOrValue = z.string();

/** The annotation naming a service's environments file; it marks a deployable service. */
export const ENVIRONMENTS_ANNOTATION = 'ibias.io/environments';

export const environmentConfigSchema = z
  .object({
    name: z.string().optional(),
    domain: z.string(),
    database: z
      .object({
        url: secretOrValue.optional(),
        poolSize: z.number().int().positive(),
        ssl: z.boolean(),
        logging: z.boolean(),
      })
      .passthrough(),
    ai: z
      .object({
        openai: z
          .object({
            model: z.string(),
            maxTokens: z.number().int().positive(),
            temperature: z.number().min(0).max(2),
          })
          .passthrough(),
        replicate: z.object({ enabled: z.boolean() }).passthrough().optional(),
        caching: z
          .object({
            enabled: z.boolean(),
            ttl: z.number().int().nonnegative().optional(),
          })
          .passthrough(),
      })
      .passthrough(),
    monitoring: z
      .object({
        sentry: z
          .object({
            enabled: z.boolean(),
            environment: z.string().optional(),
          })
          .passthrough(),
        analytics: z.object({ enabled: z.boolean() }).passthrough().optional(),
        logging: z.object({
          level: z.enum(['debug', 'info', 'warn', 'error']),
        }),
      })
      .passthrough(),
    security: z
      .object({
        cors: z
          .object({
            origin: z.array(z.string()),
            credentials: z.boolean(),
          })
          .passthrough(),
        rateLimit: z
          .object({
            enabled: z.boolean(),
            windowMs: z.number().int().positive().optional(),
            max: z.number().int().positive().optional(),
          })
          .passthrough(),
        encryption: z.object({ algorithm: z.string() }).passthrough(),
      })
      .passthrough(),
    features: z.record(z.string(), z.boolean()),
  })
  .passthrough();

export type EnvironmentConfig = z.infer<typeof environmentConfigSchema>;

export interface ParsedEnvironments {
  environments: Partial<Record<EnvironmentName, EnvironmentConfig>>;
  /** One message per problem, naming the environment and the field. */
  errors: string[];
}

/** Validates the parsed YAML of an environments file. */
export function parseEnvironments(data: unknown): ParsedEnvironments {
  const result: ParsedEnvironments = { environments: {}, errors: [] };
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    result.errors.push(
      'The environments file must be a mapping of development, staging and production',
    );
    return result;
  }
  const record = data as Record<string, unknown>;
  for (const name of ENVIRONMENTS) {
    if (!(name in record)) {
      result.errors.push(`${name}: missing`);
      continue;
    }
    const parsed = environmentConfigSchema.safeParse(record[name]);
    if (parsed.success) {
      result.environments[name] = parsed.data;
    } else {
      for (const issue of parsed.error.issues) {
        result.errors.push(
          `${name}.${issue.path.join('.') || '(root)'}: ${issue.message}`,
        );
      }
    }
  }
  for (const key of Object.keys(record)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(key)) {
      result.errors.push(`${key}: not an IBIAS environment (ignored)`);
    }
  }
  return result;
}

const SECRET_KEY = /(url|password|secret|token|key|dsn)$/i;
export const SECRET_MASK = '••••••';

/** A value that is a secret reference (`secret:NAME`), never a secret itself. */
export function isSecretReference(value: unknown): boolean {
  return typeof value === 'string' && /^secret:[A-Za-z0-9_./-]+$/.test(value);
}

/**
 * A copy safe to show: secret references stay (they name a secret, not its value);
 * any other value under a secret-looking key is masked.
 */
export function maskSecrets<T>(value: T, key = ''): T {
  if (Array.isArray(value)) {
    return value.map(v => maskSecrets(v, key)) as T;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]),
    ) as T;
  }
  if (
    typeof value === 'string' &&
    SECRET_KEY.test(key) &&
    !isSecretReference(value)
  ) {
    return SECRET_MASK as T;
  }
  return value;
}

/** Plain-text values found under secret-looking keys (paths), for the baseline. */
export function plainSecrets(value: unknown, path: string[] = []): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => plainSecrets(v, [...path, String(i)]));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      plainSecrets(v, [...path, k]),
    );
  }
  const key = path[path.length - 1] ?? '';
  return typeof value === 'string' &&
    SECRET_KEY.test(key) &&
    !isSecretReference(value)
    ? [path.join('.')]
    : [];
}

export interface BaselineResult {
  rule: string;
  description: string;
  passed: boolean;
  /** Why it failed (or what it saw). */
  detail: string;
}

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
export interface EnvironmentConfigs {
  /** Where the file was read from (or would be). */
  source?: string;
  /** Problems reading or validating it, each with a clear message. */
  errors: string[];
  environments: Partial<
    Record<
      EnvironmentName,
      { config: EnvironmentConfig; baseline: BaselineResult[] }
    >
  >;
}

export interface ConfigDifference {
  path: string;
  left: unknown;
  right: unknown;
}

/** Leaf-level differences between two configs (paths with dots; arrays as values). */
export function diffConfigs(left: unknown, right: unknown): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push({ path, left: a, right: b });
    }
  };
  walk(left, right, '');
  return out;
}
