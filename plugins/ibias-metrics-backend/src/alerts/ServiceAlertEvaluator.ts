import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  breaches,
  SERVICE_SIGNALS,
  type AlertObservation,
  type AlertRule,
  type ServiceSignal,
} from '@internal/plugin-ibias-metrics-common';
import { normalizeEntityRef, type AlertRuleOverride } from '../config';
import type { PrometheusQueryApi } from '../prometheus/PrometheusClient';
import type { AlertService, EvaluatedRule } from './AlertService';
import { PROMQL_BY_SIGNAL, SAMPLES_PROMQL_BY_SIGNAL } from './rulesFile';

/** The environment whose series raise alerts unless told otherwise. */
export const DEFAULT_ALERT_ENVIRONMENT = 'production';

export interface ServiceAlertEvaluation {
  /** Rule and service pairs given an observation. */
  evaluated: number;
  /** Series left out: no ibias_entity, another environment, or a value that is not finite. */
  skipped: number;
  /** Rules whose queries failed this time; their alerts stay as they were. */
  failedRules: string[];
}

/** An entity's owner from the catalog (shared with ibias-ai-costs). */
export { catalogOwnerOf } from '@internal/ibias-backend-catalog';

function isServiceSignal(signal: string): signal is ServiceSignal {
  return (SERVICE_SIGNALS as readonly string[]).includes(signal);
}

/**
 * The seed's service rules, evaluated by the portal from Prometheus: each rule's
 * per-service PromQL and its sample count (the same queries the generated rules file
 * carries), asked as instant queries, and each service's answer handed to the alert
 * lifecycle.
 *
 * Decisions:
 * - One alert per rule and service: the subject is the service's entity ref (the
 *   `ibias_entity` label, normalised), so an alert belongs to the entity its owner sees.
 *   Only series of one environment count (`production` by default); the environment is
 *   kept in the evidence. Series without `ibias_entity` (Kubernetes pods, which carry
 *   only `ibias_service`) have no entity to own an alert and are skipped.
 * - A service whose value series is missing from this evaluation, while an alert of the
 *   rule is open for it, is evaluated with no observation: nothing changes (an absent
 *   series neither fires nor resolves; the lifecycle decides that in one place).
 * - A value series with no sample-count series counts 0 samples, so a rule with
 *   `minSamples` leaves it alone; a value that is not finite (0 ÷ 0 with no traffic) is
 *   no observation at all.
 * - One rule's query failing leaves that rule's alerts as they were and the other rules
 *   evaluated.
 */
export class ServiceAlertEvaluator {
  private readonly environment: string;

  constructor(
    private readonly options: {
      prometheus: PrometheusQueryApi;
      alerts: Pick<AlertService, 'evaluate' | 'list'>;
      /** The seed's rules with their global overrides. */
      rules: AlertRule[];
      /** By normalised entity ref, then rule id. */
      serviceOverrides?: Record<string, Record<string, AlertRuleOverride>>;
      /** The owner of an entity as an entity ref, or undefined when unknown. */
      ownerOf: (entityRef: string) => Promise<string | undefined>;
      logger: LoggerService;
      environment?: string;
    },
  ) {
    this.environment = options.environment ?? DEFAULT_ALERT_ENVIRONMENT;
  }

  /** The rule as it applies to one service: its per-service override laid over it. */
  ruleFor(rule: AlertRule, entityRef: string): EvaluatedRule {
    const override = this.options.serviceOverrides?.[entityRef]?.[rule.id];
    return override ? { ...rule, ...override } : rule;
  }

  async evaluate(at: Date): Promise<ServiceAlertEvaluation> {
    const result: ServiceAlertEvaluation = {
      evaluated: 0,
      skipped: 0,
      failedRules: [],
    };
    // Asked once per run and only for a breach: the owner matters only when an alert
    // opens, and the catalog should not hear from every evaluation of every service.
    const owners = new Map<string, Promise<string | undefined>>();
    const ownerOf = (ref: string) => {
      let owner = owners.get(ref);
      if (!owner) {
        owner = this.options.ownerOf(ref).catch(e => {
          this.options.logger.warn(`The owner of ${ref} is unknown: ${e}`);
          return undefined;
        });
        owners.set(ref, owner);
      }
      return owner;
    };
    for (const rule of this.options.rules) {
      if (!isServiceSignal(rule.signal)) continue;
      try {
        await this.evaluateRule(rule, rule.signal, at, ownerOf, result);
      } catch (e) {
        result.failedRules.push(rule.id);
        this.options.logger.warn(
          `Alert rule ${rule.id} was not evaluated: ${e}`,
        );
      }
    }
    return result;
  }

  private async evaluateRule(
    rule: AlertRule,
    signal: ServiceSignal,
    at: Date,
    ownerOf: (ref: string) => Promise<string | undefined>,
    result: ServiceAlertEvaluation,
  ) {
    const { prometheus, alerts } = this.options;
    const query = PROMQL_BY_SIGNAL[signal];
    const [values, samples] = await Promise.all([
      prometheus.query(query, at),
      prometheus.query(SAMPLES_PROMQL_BY_SIGNAL[signal], at),
    ]);
    const samplesByEntity = new Map<string, number>();
    for (const sample of samples) {
      const ref = this.entityOf(sample.labels);
      if (ref) samplesByEntity.set(ref, sample.value);
    }

    const seen = new Set<string>();
    for (const series of values) {
      const ref = this.entityOf(series.labels);
      if (!ref || !Number.isFinite(series.value) || seen.has(ref)) {
        result.skipped += 1;
        continue;
      }
      seen.add(ref);
      const serviceRule = this.ruleFor(rule, ref);
      const count = samplesByEntity.get(ref);
      const observation: AlertObservation = {
        value: series.value,
        samples: count !== undefined && Number.isFinite(count) ? count : 0,
      };
      await alerts.evaluate(serviceRule, ref, observation, {
        owner: breaches(serviceRule, observation.value)
          ? await ownerOf(ref)
          : undefined,
        evidence: {
          environment: this.environment,
          value: observation.value,
          samples: observation.samples,
          threshold: serviceRule.threshold,
          query,
        },
      });
      result.evaluated += 1;
    }

    // Open alerts of this rule whose service did not answer: no observation, no change.
    const open = await alerts.list({ status: 'open', limit: 1000 });
    for (const alert of open) {
      if (alert.ruleId !== rule.id || seen.has(alert.subject)) continue;
      await alerts.evaluate(
        this.ruleFor(rule, alert.subject),
        alert.subject,
        undefined,
        { evidence: alert.evidence },
      );
    }
  }

  /** The series' normalised entity ref, when it is of the alerting environment. */
  private entityOf(labels: Record<string, string>): string | undefined {
    const entity = labels.ibias_entity;
    if (!entity || labels.ibias_environment !== this.environment) {
      return undefined;
    }
    try {
      return normalizeEntityRef(entity);
    } catch {
      return undefined;
    }
  }
}
