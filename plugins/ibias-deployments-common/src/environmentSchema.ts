import { z } from 'zod';
import type { components } from './generated/openapi';
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

// The file's schema (here) and the API document's EnvironmentConfig (what
// GET /environments returns) describe one thing: each must be assignable to the other, so
// a field added, dropped or retyped on one side only fails to compile.
type DocumentedEnvironmentConfig = components['schemas']['EnvironmentConfig'];
type Assignable<From extends To, To> = [From, To];
/** Compiles only while the file's schema and the API document agree. */
export type EnvironmentConfigMatchesDocument = [
  Assignable<EnvironmentConfig, DocumentedEnvironmentConfig>,
  Assignable<DocumentedEnvironmentConfig, EnvironmentConfig>,
];

/** A problem at a place in the file: the keys down to it, and what is wrong. */
export interface EnvironmentsIssue {
  path: string[];
  message: string;
}

export interface ParsedEnvironments {
  environments: Partial<Record<EnvironmentName, EnvironmentConfig>>;
  /** One message per problem, naming the environment and the field. */
  errors: string[];
  /** The same problems with their paths, so a reader can say where in the file. */
  issues: EnvironmentsIssue[];
}

/** Validates the parsed YAML of an environments file. */
export function parseEnvironments(data: unknown): ParsedEnvironments {
  const result: ParsedEnvironments = {
    environments: {},
    errors: [],
    issues: [],
  };
  const problem = (path: string[], message: string, text: string) => {
    result.issues.push({ path, message });
    result.errors.push(text);
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    const message =
      'The environments file must be a mapping of development, staging and production';
    problem([], message, message);
    return result;
  }
  const record = data as Record<string, unknown>;
  for (const name of ENVIRONMENTS) {
    if (!(name in record)) {
      problem([name], 'missing', `${name}: missing`);
      continue;
    }
    const parsed = environmentConfigSchema.safeParse(record[name]);
    if (parsed.success) {
      result.environments[name] = parsed.data;
    } else {
      for (const issue of parsed.error.issues) {
        const path = [name, ...issue.path.map(String)];
        problem(
          path,
          issue.message,
          `${name}.${issue.path.join('.') || '(root)'}: ${issue.message}`,
        );
      }
    }
  }
  for (const key of Object.keys(record)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(key)) {
      problem(
        [key],
        'not an IBIAS environment (ignored)',
        `${key}: not an IBIAS environment (ignored)`,
      );
    }
  }
  return result;
}
