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
  evaluationSeconds: number;
  snapshotMinutes: number;
}

const objectAt = (config: Config, key: string) =>
  config.getOptional<Record<string, Record<string, unknown>>>(key) ?? {};

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
    const parsed = alertTimingSchema
      .partial()
      .extend({ threshold: z.number().optional() })
      .strict()
      .safeParse(override);
    if (!parsed.success) {
      throw new Error(
        `Invalid alert rule: ${describeDefinitionIssues(
          `ibias.metrics.alerts.rules.${rule.id}`,
          parsed.error,
        )}`,
      );
    }
    return { ...rule, ...parsed.data };
  });
  for (const id of Object.keys(overrides)) {
    if (!SEED_ALERT_RULES.some(r => r.id === id)) {
      throw new Error(
        `Invalid alert rule: ibias.metrics.alerts.rules.${id} is not a rule; the rules are ${SEED_ALERT_RULES.map(
          r => r.id,
        ).join(', ')}`,
      );
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
    evaluationSeconds:
      config.getOptionalNumber('ibias.metrics.alerts.evaluationSeconds') ?? 30,
    snapshotMinutes:
      config.getOptionalNumber('ibias.metrics.snapshots.everyMinutes') ?? 60,
  };
}
