import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { z } from 'zod';
import {
  alertTimingSchema,
  describeDefinitionIssues,
  resolveKpiDefinitions,
  SEED_ALERT_RULES,
  type AlertRule,
  type KpiDefinition,
} from '@internal/plugin-ibias-metrics-common';
import {
  readSqlSourceSettings,
  type SqlSourceSettings,
} from './sources/SqlKpiSource';
import { DEFAULT_ALERT_ENVIRONMENT } from './alerts/ServiceAlertEvaluator';

export interface MetricsSettings {
  definitions: Record<string, KpiDefinition>;
  grossMargin: number;
  sampleEnabled: boolean;
  prometheusUrl?: string;
  /** The database SQL KPIs query, when configured. */
  sql?: SqlSourceSettings;
  scrapeToken?: string;
  stripe: { webhookSecret?: string; toleranceSeconds: number };
  pagerDuty?: { routingKey: string; baseUrl?: string };
  rules: AlertRule[];
  /**
   * Per-service changes to the seed's rules, by normalised entity ref, then rule id; laid
   * over the rule after its global override.
   */
  serviceOverrides: Record<string, Record<string, AlertRuleOverride>>;
  evaluationSeconds: number;
  /** The environment whose services' series raise the seed's service alerts. */
  alertEnvironment: string;
  snapshotMinutes: number;
}

const objectAt = (config: Config, key: string) =>
  config.getOptional<Record<string, Record<string, unknown>>>(key) ?? {};

/** What may change of a seed rule: its threshold and its timing. */
export type AlertRuleOverride = Partial<
  Pick<
    AlertRule,
    'threshold' | 'for' | 'minSamples' | 'keepFiringFor' | 'cooldown'
  >
>;

const ruleOverrideSchema = alertTimingSchema
  .partial()
  .extend({ threshold: z.number().optional() })
  .strict();

/** ibias.metrics.alerts.environment: an environment name, `production` by default. */
function readAlertEnvironment(config: Config): string {
  const key = 'ibias.metrics.alerts.environment';
  const value = config.getOptionalString(key) ?? DEFAULT_ALERT_ENVIRONMENT;
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(value)) {
    throw new Error(
      `Invalid ${key}: must be an environment name such as production (lower case letters, digits and dashes)`,
    );
  }
  return value;
}

/** `component:default/ibias-api`, lower case: how ibias_entity and config keys compare. */
export function normalizeEntityRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
}

function parseRuleOverride(key: string, override: unknown): AlertRuleOverride {
  const parsed = ruleOverrideSchema.safeParse(override);
  if (!parsed.success) {
    throw new Error(
      `Invalid alert rule: ${describeDefinitionIssues(key, parsed.error)}`,
    );
  }
  return parsed.data;
}

function unknownRule(key: string, id: string): Error {
  return new Error(
    `Invalid alert rule: ${key}.${id} is not a rule; the rules are ${SEED_ALERT_RULES.map(
      r => r.id,
    ).join(', ')}`,
  );
}

/** ibias.metrics.alerts.services.<entityRef>.<ruleId>, validated like the global ones. */
function readServiceOverrides(
  config: Config,
): Record<string, Record<string, AlertRuleOverride>> {
  const base = 'ibias.metrics.alerts.services';
  const services = objectAt(config, base);
  const result: Record<string, Record<string, AlertRuleOverride>> = {};
  for (const [ref, byRule] of Object.entries(services)) {
    let normalized: string;
    try {
      normalized = normalizeEntityRef(ref);
    } catch {
      throw new Error(
        `Invalid alert rule: ${base}.${ref} is not an entity ref such as component:default/ibias-api`,
      );
    }
    if (result[normalized]) {
      throw new Error(
        `Invalid alert rule: ${base}.${ref} names ${normalized} a second time`,
      );
    }
    const overrides: Record<string, AlertRuleOverride> = {};
    for (const [id, override] of Object.entries(byRule ?? {})) {
      if (!SEED_ALERT_RULES.some(r => r.id === id)) {
        throw unknownRule(`${base}.${ref}`, id);
      }
      overrides[id] = parseRuleOverride(`${base}.${ref}.${id}`, override);
    }
    result[normalized] = overrides;
  }
  return result;
}

/**
 * Everything under ibias.metrics, read once and validated: an invalid KPI definition or
 * rule override stops the backend with a message naming the field.
 */
export function readMetricsSettings(config: Config): MetricsSettings {
  const grossMargin =
    config.getOptionalNumber('ibias.metrics.grossMargin') ?? 0.8;
  if (!(grossMargin > 0 && grossMargin <= 1)) {
    throw new Error(
      'ibias.metrics.grossMargin must be a fraction above 0 and at most 1, such as 0.8',
    );
  }
  const definitions = resolveKpiDefinitions(
    objectAt(config, 'ibias.metrics.kpis'),
  );
  const overrides = objectAt(config, 'ibias.metrics.alerts.rules');
  const rules = SEED_ALERT_RULES.map(rule => {
    const override = overrides[rule.id];
    if (!override) return rule;
    return {
      ...rule,
      ...parseRuleOverride(`ibias.metrics.alerts.rules.${rule.id}`, override),
    };
  });
  for (const id of Object.keys(overrides)) {
    if (!SEED_ALERT_RULES.some(r => r.id === id)) {
      throw unknownRule('ibias.metrics.alerts.rules', id);
    }
  }
  const routingKey = config.getOptionalString(
    'ibias.metrics.alerts.pagerDuty.routingKey',
  );
  return {
    definitions,
    grossMargin,
    sampleEnabled:
      config.getOptionalBoolean('ibias.metrics.sample.enabled') ?? true,
    prometheusUrl: config.getOptionalString('ibias.metrics.prometheus.url'),
    sql: readSqlSourceSettings(config),
    scrapeToken: config.getOptionalString('ibias.metrics.scrape.token'),
    stripe: {
      webhookSecret: config.getOptionalString(
        'ibias.metrics.sources.stripe.webhookSecret',
      ),
      toleranceSeconds:
        config.getOptionalNumber(
          'ibias.metrics.sources.stripe.toleranceSeconds',
        ) ?? 300,
    },
    pagerDuty: routingKey
      ? {
          routingKey,
          baseUrl: config.getOptionalString(
            'ibias.metrics.alerts.pagerDuty.baseUrl',
          ),
        }
      : undefined,
    rules,
    serviceOverrides: readServiceOverrides(config),
    evaluationSeconds:
      config.getOptionalNumber('ibias.metrics.alerts.evaluationSeconds') ?? 30,
    alertEnvironment: readAlertEnvironment(config),
    snapshotMinutes:
      config.getOptionalNumber('ibias.metrics.snapshots.everyMinutes') ?? 60,
  };
}
