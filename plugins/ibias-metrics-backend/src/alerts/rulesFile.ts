import { InputError } from '@backstage/errors';
import {
  alertRuleSchema,
  describeDefinitionIssues,
  type AlertRule,
  type KpiDefinition,
  type ServiceSignal,
} from '@internal/plugin-ibias-metrics-common';

/**
 * The portal's alert rules as a Prometheus rules file, and the PromQL behind each signal.
 *
 * One source of truth: `PROMQL_BY_SIGNAL` is what the rules file compares with the
 * thresholds and what the portal's own evaluator asks Prometheus's HTTP API for, so a
 * dashboard, an alert the portal raises and an alert Prometheus raises all mean the same
 * number. The queries read the metrics the `ibias-service` template exports
 * (`http_request_duration_seconds{method,route,status}`,
 * `ai_request_duration_seconds{provider,model,type,outcome}`,
 * `database_connection_errors_total`) and the portal's `ibias_kpi_value{kpi}`, per service
 * as labelled by the deploy targets (the local target's file_sd targets carry
 * `ibias_entity`, `ibias_service` and `ibias_environment`; on Kubernetes the pods are
 * relabelled to `ibias_service` and `ibias_environment`, and `ibias_entity` stays empty).
 */

export const PROMETHEUS_RULE_GROUP = 'ibias-portal';
/** Every service signal looks back this far, as the seed's "in 5 minutes" does. */
export const SIGNAL_WINDOW = '5m';
/** The labels one service's series share; every per-service query keeps exactly these. */
export const SERVICE_LABELS = [
  'ibias_entity',
  'ibias_service',
  'ibias_environment',
] as const;
/**
 * Probes and scrapes are not traffic: a readiness 503 while an instance shuts down is not
 * an error users saw, and scrapes would dilute the rate of a quiet service.
 */
export const NON_TRAFFIC_ROUTES = ['/health', '/ready', '/metrics'];
/**
 * The routes that are not traffic, as a PromQL regex (which Prometheus anchors at both
 * ends): any path that ends in one of {@link NON_TRAFFIC_ROUTES}, since the portal serves
 * its own below its plugins' mount points (`/api/ibias-metrics/metrics`).
 */
export const NON_TRAFFIC_ROUTE_REGEX = `.*(${NON_TRAFFIC_ROUTES.join('|')})`;
export const AI_SUCCESS_OUTCOME = 'success';

const perService = (inner: string) =>
  `sum by (${SERVICE_LABELS.join(', ')}) (${inner})`;
const traffic = `route!~"${NON_TRAFFIC_ROUTE_REGEX}"`;
const httpRequests = (extra = '') =>
  perService(
    `rate(http_request_duration_seconds_count{${traffic}${extra}}[${SIGNAL_WINDOW}])`,
  );
const aiRequests = (extra = '') =>
  perService(
    `rate(ai_request_duration_seconds_count${
      extra ? `{${extra}}` : ''
    }[${SIGNAL_WINDOW}])`,
  );
/**
 * part ÷ all, where a service with traffic but no series for the part (no 5xx yet, or no
 * success since it started) reads 0 rather than vanishing from the result.
 */
const share = (part: string, all: string) => `(${part} or 0 * ${all}) / ${all}`;

/** Per-service PromQL of each service signal, without a threshold. */
export const PROMQL_BY_SIGNAL: Record<ServiceSignal, string> = {
  error_rate: share(httpRequests(',status=~"5.."'), httpRequests()),
  avg_response_time_seconds: `${perService(
    `rate(http_request_duration_seconds_sum{${traffic}}[${SIGNAL_WINDOW}])`,
  )} / ${httpRequests()}`,
  db_connection_errors: perService(
    `increase(database_connection_errors_total[${SIGNAL_WINDOW}])`,
  ),
  ai_success_rate: share(
    aiRequests(`outcome="${AI_SUCCESS_OUTCOME}"`),
    aiRequests(),
  ),
};

/**
 * How many samples (requests, AI calls, errors) each signal's value is over in the window,
 * per service: a rule's `minSamples` is checked against it, so three requests of which one
 * failed do not page anyone.
 */
export const SAMPLES_PROMQL_BY_SIGNAL: Record<ServiceSignal, string> = {
  error_rate: perService(
    `increase(http_request_duration_seconds_count{${traffic}}[${SIGNAL_WINDOW}])`,
  ),
  avg_response_time_seconds: perService(
    `increase(http_request_duration_seconds_count{${traffic}}[${SIGNAL_WINDOW}])`,
  ),
  db_connection_errors: PROMQL_BY_SIGNAL.db_connection_errors,
  ai_success_rate: perService(
    `increase(ai_request_duration_seconds_count[${SIGNAL_WINDOW}])`,
  ),
};

const KPI_SIGNAL = /^kpi:([a-z][a-z0-9_]*)$/;

function isServiceSignal(signal: string): signal is ServiceSignal {
  return Object.prototype.hasOwnProperty.call(PROMQL_BY_SIGNAL, signal);
}

/** The PromQL of any rule's signal, a service signal or `kpi:<id>`, without a threshold. */
export function promqlForSignal(signal: AlertRule['signal']): string {
  if (isServiceSignal(signal)) return PROMQL_BY_SIGNAL[signal];
  const kpi = KPI_SIGNAL.exec(signal);
  if (!kpi) throw new InputError(`Unknown alert signal "${signal}"`);
  // One value per KPI, however many portal replicas export it.
  return `avg by (kpi) (ibias_kpi_value{kpi="${kpi[1]}"})`;
}

/** What KPI alerts wait for: values move with snapshots, not by the second. */
export const KPI_ALERT_TIMING = {
  // A KPI from records is not noisy: it fires on the first evaluation past its threshold.
  for: '0s',
  minSamples: 0,
  keepFiringFor: '0s',
  cooldown: '1h',
} as const;

function formatThreshold(kpi: KpiDefinition, value: number): string {
  // toPrecision drops float noise such as 6.000000000000001.
  return kpi.unit === 'percent'
    ? `${Number((value * 100).toPrecision(12))} %`
    : String(value);
}

/** One rule per KPI with an error threshold: crossing it raises the KPI's alert. */
export function kpiAlertRules(kpis: KpiDefinition[]): AlertRule[] {
  return kpis.flatMap((kpi): AlertRule[] => {
    if (!kpi.thresholds) return [];
    // As breachesError: strictly below when higher is better, strictly above otherwise.
    const comparator = kpi.direction === 'up' ? '<' : '>';
    const threshold = kpi.thresholds.error;
    return [
      {
        id: `kpi_${kpi.id}`,
        name: `${kpi.title} past its error threshold`.slice(0, 80),
        severity: 'warning',
        escalation: 'delayed',
        signal: `kpi:${kpi.id}`,
        comparator,
        threshold,
        condition: `${kpi.id} ${comparator} ${threshold}`,
        summary: `${kpi.title} is ${
          comparator === '<' ? 'below' : 'above'
        } ${formatThreshold(kpi, threshold)}`,
        ...KPI_ALERT_TIMING,
      },
    ];
  });
}

/** high_error_rate → HighErrorRate (alert names must be valid metric names). */
function alertName(ruleId: string): string {
  return ruleId
    .split('_')
    .filter(Boolean)
    .map(word => word[0].toUpperCase() + word.slice(1))
    .join('');
}

/** The rule's PromQL with its threshold and, when it has one, its sample minimum. */
export function alertExpression(rule: AlertRule): string {
  if (!Number.isFinite(rule.threshold)) {
    throw new InputError(
      `Alert rule ${rule.id} needs a finite threshold, not ${rule.threshold}`,
    );
  }
  const condition = `(${promqlForSignal(rule.signal)}) ${rule.comparator} ${
    rule.threshold
  }`;
  if (!isServiceSignal(rule.signal) || rule.minSamples <= 0) return condition;
  return `${condition} and (${SAMPLES_PROMQL_BY_SIGNAL[rule.signal]}) >= ${
    rule.minSamples
  }`;
}

function describeAlert(rule: AlertRule): string {
  // Four significant digits: 0.1 reads 0.1, not humanize's 100m.
  const value = '{{ printf "%.4g" $value }}';
  const limit = `${rule.comparator} ${rule.threshold}`;
  if (isServiceSignal(rule.signal)) {
    return `{{ $labels.ibias_service }} in {{ $labels.ibias_environment }}: ${rule.signal} is ${value} (alert when ${limit} over ${SIGNAL_WINDOW})`;
  }
  return `KPI {{ $labels.kpi }} is ${value} (alert when ${limit})`;
}

// Every scalar is written as a JSON string, which is also a valid YAML double-quoted
// scalar, so no summary, however it is punctuated, can break the file; plus the escapes
// of the characters YAML reads differently from JSON (C1 controls, line separators).
const q = (value: string) =>
  JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
/** PromQL reads better unescaped: a literal block, when the text allows one. */
const block = (value: string, indent: string) =>
  /^\S(.*\S)?$/.test(value) ? `|-\n${indent}${value}` : q(value);

function renderRule(rule: AlertRule): string[] {
  return [
    `      - alert: ${q(alertName(rule.id))}`,
    `        expr: ${block(alertExpression(rule), '          ')}`,
    `        for: ${q(rule.for)}`,
    `        keep_firing_for: ${q(rule.keepFiringFor)}`,
    `        labels:`,
    `          severity: ${q(rule.severity)}`,
    `          escalation: ${q(rule.escalation)}`,
    `          rule_id: ${q(rule.id)}`,
    `        annotations:`,
    `          title: ${q(rule.name)}`,
    `          summary: ${q(rule.summary)}`,
    `          description: ${q(describeAlert(rule))}`,
    `          condition: ${q(rule.condition)}`,
  ];
}

/**
 * A Prometheus rules file (group `ibias-portal`) with one alerting rule per rule given and
 * one per KPI with an error threshold that no given rule already covers.
 */
export function renderPrometheusRules(
  rules: AlertRule[],
  kpis: KpiDefinition[] = [],
): string {
  const covered = new Set(rules.map(rule => rule.signal));
  const all = [
    ...rules,
    ...kpiAlertRules(kpis).filter(rule => !covered.has(rule.signal)),
  ];
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const rule of all) {
    const parsed = alertRuleSchema.safeParse(rule);
    if (!parsed.success) {
      problems.push(describeDefinitionIssues(`rule ${rule.id}`, parsed.error));
    }
    if (ids.has(rule.id)) problems.push(`rule ${rule.id} is defined twice`);
    ids.add(rule.id);
  }
  if (problems.length > 0) {
    throw new InputError(`Invalid alert rules: ${problems.join('; ')}`);
  }
  return [
    '# Generated from the IBIAS portal alert rules (renderPrometheusRules): change the',
    '# rules, not this file. Cooldowns after a resolve are applied by the portal, since',
    '# Prometheus has no equivalent.',
    'groups:',
    `  - name: ${q(PROMETHEUS_RULE_GROUP)}`,
    '    rules:',
    ...all.flatMap(renderRule),
    '',
  ].join('\n');
}
