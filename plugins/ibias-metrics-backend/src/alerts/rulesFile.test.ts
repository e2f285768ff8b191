import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import {
  breaches,
  breachesError,
  DEFAULT_KPIS,
  parseDuration,
  SEED_ALERT_RULES,
  SERVICE_SIGNALS,
  type AlertRule,
  type KpiDefinition,
} from '@internal/plugin-ibias-metrics-common';
import {
  alertExpression,
  kpiAlertRules,
  NON_TRAFFIC_ROUTE_REGEX,
  PROMETHEUS_RULE_GROUP,
  PROMQL_BY_SIGNAL,
  promqlForSignal,
  renderPrometheusRules,
  SAMPLES_PROMQL_BY_SIGNAL,
  SERVICE_LABELS,
} from './rulesFile';

const KPIS = Object.values(DEFAULT_KPIS);
const ruleOf = (id: string): AlertRule => {
  const rule = SEED_ALERT_RULES.find(r => r.id === id);
  if (!rule) throw new Error(`no seed rule ${id}`);
  return rule;
};

describe('PromQL per signal', () => {
  it.each(SERVICE_SIGNALS)(
    '%s is one series per service over 5 minutes',
    signal => {
      const query = PROMQL_BY_SIGNAL[signal];
      expect(query).toContain(`sum by (${SERVICE_LABELS.join(', ')})`);
      expect(query).toContain('[5m]');
      expect(promqlForSignal(signal)).toBe(query);
      expect(SAMPLES_PROMQL_BY_SIGNAL[signal]).toContain('[5m]');
    },
  );

  it("leaves out probes and scrapes, the portal's own below its mount point too", () => {
    // As Prometheus reads a regex matcher: anchored at both ends.
    const nonTraffic = new RegExp(`^(?:${NON_TRAFFIC_ROUTE_REGEX})$`);
    for (const route of [
      '/health',
      '/ready',
      '/metrics',
      '/api/ibias-metrics/metrics',
      '/api/ibias-metrics/health',
    ]) {
      expect({ route, traffic: !nonTraffic.test(route) }).toEqual({
        route,
        traffic: false,
      });
    }
    for (const route of [
      '/api/v1/echo',
      '/api/v1/healthcheck',
      '/api/v1/metrics/export',
      '/api/v1/ready-orders',
      'unmatched',
    ]) {
      expect({ route, traffic: !nonTraffic.test(route) }).toEqual({
        route,
        traffic: true,
      });
    }
    for (const signal of ['error_rate', 'avg_response_time_seconds'] as const) {
      expect(PROMQL_BY_SIGNAL[signal]).toContain(
        `route!~"${NON_TRAFFIC_ROUTE_REGEX}"`,
      );
    }
  });

  it('reads a KPI from ibias_kpi_value, and refuses an unknown signal', () => {
    expect(promqlForSignal('kpi:nps')).toBe(
      'avg by (kpi) (ibias_kpi_value{kpi="nps"})',
    );
    expect(() => promqlForSignal('cpu_usage')).toThrow(InputError);
  });

  it('is what the rules compare with the threshold (one source of truth)', () => {
    for (const signal of SERVICE_SIGNALS) {
      const rule = SEED_ALERT_RULES.find(r => r.signal === signal);
      expect(rule).toBeDefined();
      expect(alertExpression(rule!)).toContain(
        `(${PROMQL_BY_SIGNAL[signal]}) ${rule!.comparator} ${rule!.threshold}`,
      );
    }
  });

  it('guards on the sample minimum only where the rule has one', () => {
    expect(alertExpression(ruleOf('high_error_rate'))).toMatch(/ >= 20$/);
    expect(alertExpression(ruleOf('database_connection_issues'))).not.toContain(
      ' and ',
    );
  });
});

describe('kpiAlertRules', () => {
  const withThresholds = KPIS.filter(k => k.thresholds);

  it('makes one rule per KPI with thresholds and none for the others', () => {
    expect(kpiAlertRules(KPIS).map(r => r.signal)).toEqual(
      withThresholds.map(k => `kpi:${k.id}`),
    );
    expect(withThresholds.length).toBeGreaterThan(0);
  });

  // Around each error threshold, the rule breaches exactly when breachesError says so.
  it.each(withThresholds.map(k => [k.id, k] as const))(
    '%s agrees with breachesError around its error threshold',
    (_id, kpi: KpiDefinition) => {
      const [rule] = kpiAlertRules([kpi]);
      const error = kpi.thresholds!.error;
      const step = Math.max(Math.abs(error) * 0.01, 0.0001);
      for (const value of [error - step, error, error + step]) {
        expect({ value, breaches: breaches(rule, value) }).toEqual({
          value,
          breaches: breachesError(kpi, value),
        });
      }
    },
  );
});

describe('renderPrometheusRules refuses', () => {
  it.each<[string, AlertRule[], RegExp]>([
    [
      'the same id twice',
      [ruleOf('high_error_rate'), ruleOf('high_error_rate')],
      /rule high_error_rate is defined twice/,
    ],
    [
      'an id that is not snake_case',
      [{ ...ruleOf('high_error_rate'), id: 'High-Errors' }],
      /rule High-Errors\.id must be snake_case/,
    ],
    [
      'a duration Prometheus cannot read',
      [{ ...ruleOf('high_error_rate'), for: 'two minutes' }],
      /rule high_error_rate\.for must be a duration/,
    ],
    [
      'a threshold that is not a number',
      [{ ...ruleOf('high_error_rate'), threshold: Number.POSITIVE_INFINITY }],
      /rule high_error_rate\.threshold/,
    ],
  ])('%s', (_name, rules, message) => {
    expect(() => renderPrometheusRules(rules)).toThrow(InputError);
    expect(() => renderPrometheusRules(rules)).toThrow(message);
  });
});

describe('renderPrometheusRules', () => {
  const text = renderPrometheusRules(SEED_ALERT_RULES, KPIS);

  it('writes one alerting rule per seed rule and per KPI threshold, in one group', () => {
    expect(text).toContain(`  - name: "${PROMETHEUS_RULE_GROUP}"`);
    expect(text.match(/^ {6}- alert: /gm)).toHaveLength(
      SEED_ALERT_RULES.length + KPIS.filter(k => k.thresholds).length,
    );
    for (const rule of SEED_ALERT_RULES) {
      const at = text.indexOf(`rule_id: "${rule.id}"`);
      expect(at).toBeGreaterThan(0);
      const section = text.slice(text.lastIndexOf('- alert:', at), at);
      expect(section).toContain(`for: "${rule.for}"`);
      expect(section).toContain(`keep_firing_for: "${rule.keepFiringFor}"`);
      expect(section).toContain(`severity: "${rule.severity}"`);
      expect(section).toContain(`escalation: "${rule.escalation}"`);
    }
  });

  it('lets a given KPI rule stand in for the one derived from the thresholds', () => {
    const own: AlertRule = {
      ...kpiAlertRules([DEFAULT_KPIS.nps])[0],
      id: 'nps_collapse',
      threshold: -20,
    };
    const rendered = renderPrometheusRules([own], [DEFAULT_KPIS.nps]);
    expect(rendered.match(/kpi="nps"/g)).toHaveLength(1);
    expect(rendered).toContain('rule_id: "nps_collapse"');
    expect(rendered).toContain('< -20');
  });
});

// promtool (Debian's `prometheus` package; .ci/run installs it) checks the file and runs
// unit tests over synthetic series. Without it these fail, unless a developer outside CI
// says IBIAS_ALLOW_NO_PROMTOOL=1, and then they show as skipped, never as passed.
function findPromtool(): string | undefined {
  // PROMTOOL names one binary and nothing else is searched (also how to try it missing).
  const named = process.env.PROMTOOL;
  if (named) return fs.existsSync(named) ? named : undefined;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin'];
  return dirs
    .filter(Boolean)
    .map(dir => path.join(dir, 'promtool'))
    .find(file => fs.existsSync(file));
}
const promtool = findPromtool();
const mayGoWithout =
  !process.env.CI && process.env.IBIAS_ALLOW_NO_PROMTOOL === '1';
const describeWithPromtool =
  promtool || !mayGoWithout ? describe : describe.skip;
if (!promtool && mayGoWithout) {
  // eslint-disable-next-line no-console
  console.warn(
    'promtool is not installed: the Prometheus rules tests are SKIPPED (IBIAS_ALLOW_NO_PROMTOOL=1)',
  );
}

function runPromtool(...args: string[]) {
  expect({
    promtool: promtool ?? 'not installed: apt-get install -y prometheus',
  }).toEqual({ promtool: expect.stringMatching(/promtool$/) });
  const run = spawnSync(promtool!, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const service = (name: string) => ({
  ibias_entity: `component:default/${name}`,
  ibias_service: name,
  ibias_environment: 'production',
});
type Labels = Record<string, string>;
const series = (metric: string, labels: Labels, values: string) => ({
  series: `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`,
  values,
});
const requests = (name: string, status: string, values: string) =>
  series(
    'http_request_duration_seconds_count',
    { ...service(name), method: 'POST', route: '/api/v1/echo', status },
    values,
  );
const aiRequests = (name: string, outcome: string, values: string) =>
  series(
    'ai_request_duration_seconds_count',
    {
      ...service(name),
      provider: 'openai',
      model: 'gpt-4o-mini',
      type: 'chat',
      outcome,
    },
    values,
  );
/**
 * The alert promtool must see: the subject's labels and the rule's, and annotations that
 * carry the value the query computed from the input series.
 */
const expectedAlert = (rule: AlertRule, subject: Labels, value: string) => ({
  exp_labels: {
    ...subject,
    severity: rule.severity,
    escalation: rule.escalation,
    rule_id: rule.id,
  },
  exp_annotations: {
    title: rule.name,
    summary: rule.summary,
    condition: rule.condition,
    description: subject.kpi
      ? `KPI ${subject.kpi} is ${value} (alert when ${rule.comparator} ${rule.threshold})`
      : `${subject.ibias_service} in ${subject.ibias_environment}: ${rule.signal} is ${value} (alert when ${rule.comparator} ${rule.threshold} over 5m)`,
  },
});
const minutes = (ms: number) => `${ms / 60_000}m`;
/** When a rule whose condition first holds at `firstTrueMs` fires: after its `for`. */
const firesAt = (rule: AlertRule, firstTrueMs: number) =>
  firstTrueMs + parseDuration(rule.for);

describeWithPromtool('the rules file under promtool', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-rules-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('passes promtool check rules', () => {
    const file = write(
      'ibias-portal.rules.yml',
      renderPrometheusRules(SEED_ALERT_RULES, KPIS),
    );
    const count =
      SEED_ALERT_RULES.length + KPIS.filter(k => k.thresholds).length;
    expect(runPromtool('check', 'rules', file)).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${count} rules found`),
    });
    // The check can fail: a broken expression is refused.
    const broken = write(
      'broken.rules.yml',
      renderPrometheusRules(SEED_ALERT_RULES).replace('> 0.05', '> > 0.05'),
    );
    expect(runPromtool('check', 'rules', broken).status).not.toBe(0);
  });

  it('fires each alert for the series that breach it, at the right time, and nothing for healthy ones', () => {
    const rulesFile = write(
      'ibias-portal.rules.yml',
      renderPrometheusRules(SEED_ALERT_RULES, KPIS),
    );
    const errors = ruleOf('high_error_rate');
    const slow = ruleOf('high_response_time');
    const db = ruleOf('database_connection_issues');
    const ai = ruleOf('ai_service_degradation');
    const churn = kpiAlertRules([DEFAULT_KPIS.customer_churn])[0];
    // Rates need two samples a minute apart: a counter's breach first shows at 1m.
    const oneMinute = 60_000;

    const failing = {
      interval: '1m',
      input_series: [
        // 10 % of 100 requests a minute fail.
        requests('failing-api', '200', '0+90x15'),
        requests('failing-api', '500', '0+10x15'),
        // 100 requests a minute, 3 s each.
        requests('slow-api', '200', '0+100x15'),
        series(
          'http_request_duration_seconds_sum',
          {
            ...service('slow-api'),
            method: 'POST',
            route: '/api/v1/echo',
            status: '200',
          },
          '0+300x15',
        ),
        // 20 connection errors between the first and second minute, then none.
        series(
          'database_connection_errors_total',
          service('db-api'),
          '0 0 20x13',
        ),
        // 90 % of AI requests succeed; another service's all fail (no success series).
        aiRequests('ai-api', 'success', '0+90x15'),
        aiRequests('ai-api', 'error', '0+10x15'),
        aiRequests('ai-down-api', 'error', '0+50x15'),
        // Churn 3 % for two minutes, then 8 % (error above 6 %); NPS −5 (error below
        // 0); uptime fine.
        series(
          'ibias_kpi_value',
          { kpi: 'customer_churn', instance: 'portal-1' },
          '0.03 0.03 0.08x13',
        ),
        series(
          'ibias_kpi_value',
          { kpi: 'nps', instance: 'portal-1' },
          '-5x15',
        ),
        series(
          'ibias_kpi_value',
          { kpi: 'uptime', instance: 'portal-1' },
          '0.995x15',
        ),
      ],
      alert_rule_test: [
        ...(
          [
            ['HighErrorRate', errors, 'failing-api', '0.1'],
            ['HighResponseTime', slow, 'slow-api', '3'],
          ] as const
        ).flatMap(([alertname, rule, name, value]) => {
          const at = firesAt(rule, oneMinute);
          return [
            // Pending, not yet firing, one evaluation before its `for` has passed.
            { eval_time: minutes(at - oneMinute), alertname, exp_alerts: [] },
            {
              eval_time: minutes(at),
              alertname,
              exp_alerts: [expectedAlert(rule, service(name), value)],
            },
          ];
        }),
        {
          eval_time: minutes(firesAt(ai, oneMinute)),
          alertname: 'AiServiceDegradation',
          exp_alerts: [
            expectedAlert(ai, service('ai-api'), '0.9'),
            expectedAlert(ai, service('ai-down-api'), '0'),
          ],
        },
        // The jump shows at 2m; `for` is 0s, so it fires there.
        {
          eval_time: '1m',
          alertname: 'DatabaseConnectionIssues',
          exp_alerts: [],
        },
        {
          eval_time: minutes(firesAt(db, 2 * oneMinute)),
          alertname: 'DatabaseConnectionIssues',
          exp_alerts: [expectedAlert(db, service('db-api'), '20')],
        },
        // The jump leaves the 5-minute window at 7m; keep_firing_for (5m) holds it…
        {
          eval_time: '9m',
          alertname: 'DatabaseConnectionIssues',
          exp_alerts: [expectedAlert(db, service('db-api'), '20')],
        },
        // …and then it resolves.
        {
          eval_time: minutes(
            7 * oneMinute + parseDuration(db.keepFiringFor) + oneMinute,
          ),
          alertname: 'DatabaseConnectionIssues',
          exp_alerts: [],
        },
        {
          eval_time: minutes(firesAt(churn, 2 * oneMinute) - oneMinute),
          alertname: 'KpiCustomerChurn',
          exp_alerts: [],
        },
        {
          eval_time: minutes(firesAt(churn, 2 * oneMinute)),
          alertname: 'KpiCustomerChurn',
          exp_alerts: [expectedAlert(churn, { kpi: 'customer_churn' }, '0.08')],
        },
        {
          eval_time: minutes(firesAt(churn, 0)),
          alertname: 'KpiNps',
          exp_alerts: [
            expectedAlert(
              kpiAlertRules([DEFAULT_KPIS.nps])[0],
              { kpi: 'nps' },
              '-5',
            ),
          ],
        },
        { eval_time: '10m', alertname: 'KpiUptime', exp_alerts: [] },
      ],
    };

    const healthy = {
      interval: '1m',
      input_series: [
        // 1 % errors, 0.5 s on average…
        requests('healthy-api', '200', '0+99x15'),
        requests('healthy-api', '500', '0+1x15'),
        series(
          'http_request_duration_seconds_sum',
          {
            ...service('healthy-api'),
            method: 'POST',
            route: '/api/v1/echo',
            status: '200',
          },
          '0+50x15',
        ),
        // …while readiness answers 503 and slowly (shutting down), and the portal's own
        // scrape below its mount point fails: not traffic.
        series(
          'http_request_duration_seconds_count',
          {
            ...service('healthy-api'),
            method: 'GET',
            route: '/api/ibias-metrics/metrics',
            status: '500',
          },
          '0+1000x15',
        ),
        series(
          'http_request_duration_seconds_count',
          {
            ...service('healthy-api'),
            method: 'GET',
            route: '/ready',
            status: '503',
          },
          '0+1000x15',
        ),
        series(
          'http_request_duration_seconds_sum',
          {
            ...service('healthy-api'),
            method: 'GET',
            route: '/ready',
            status: '503',
          },
          '0+100000x15',
        ),
        series(
          'database_connection_errors_total',
          service('healthy-api'),
          '0+1x15',
        ),
        aiRequests('healthy-api', 'success', '0+99x15'),
        aiRequests('healthy-api', 'error', '0+1x15'),
        // One request a minute, every one failing and taking 10 s: too few to judge.
        requests('quiet-api', '500', '0+1x15'),
        series(
          'http_request_duration_seconds_sum',
          {
            ...service('quiet-api'),
            method: 'POST',
            route: '/api/v1/echo',
            status: '500',
          },
          '0+10x15',
        ),
        aiRequests('quiet-api', 'error', '0+1x15'),
        series('ibias_kpi_value', { kpi: 'customer_churn' }, '0.03x15'),
        series('ibias_kpi_value', { kpi: 'nps' }, '42x15'),
      ],
      alert_rule_test: [
        'HighErrorRate',
        'HighResponseTime',
        'DatabaseConnectionIssues',
        'AiServiceDegradation',
        'KpiCustomerChurn',
        'KpiNps',
      ].flatMap(alertname =>
        ['3m', '10m'].map(eval_time => ({
          eval_time,
          alertname,
          exp_alerts: [],
        })),
      ),
    };

    // A route named like a probe without being one is traffic: all of it fails.
    const lookalike = {
      interval: '1m',
      input_series: [
        series(
          'http_request_duration_seconds_count',
          {
            ...service('lookalike-api'),
            method: 'GET',
            route: '/api/v1/healthcheck',
            status: '500',
          },
          '0+100x15',
        ),
      ],
      alert_rule_test: [
        {
          eval_time: minutes(firesAt(errors, oneMinute)),
          alertname: 'HighErrorRate',
          exp_alerts: [expectedAlert(errors, service('lookalike-api'), '1')],
        },
      ],
    };

    // JSON is YAML: promtool reads the unit-test file as it is.
    const testFile = write(
      'ibias-portal.test.yml',
      JSON.stringify({
        rule_files: [rulesFile],
        evaluation_interval: '1m',
        tests: [failing, healthy, lookalike],
      }),
    );
    const result = runPromtool('test', 'rules', testFile);
    expect(result).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('keeps any summary intact, whatever its punctuation', () => {
    const summary =
      'Churn "over" 6 %: see #ops — it\'s bad\nSecond line \\ with a backslash';
    const rule: AlertRule = {
      ...kpiAlertRules([DEFAULT_KPIS.customer_churn])[0],
      for: '0s',
      summary,
      condition: 'churn: > 6 % # per month',
    };
    const rulesFile = write('odd.rules.yml', renderPrometheusRules([rule]));
    const testFile = write(
      'odd.test.yml',
      JSON.stringify({
        rule_files: [rulesFile],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [
              series('ibias_kpi_value', { kpi: 'customer_churn' }, '0.07x3'),
            ],
            alert_rule_test: [
              {
                eval_time: '1m',
                alertname: 'KpiCustomerChurn',
                exp_alerts: [
                  {
                    exp_labels: {
                      kpi: 'customer_churn',
                      severity: rule.severity,
                      escalation: rule.escalation,
                      rule_id: rule.id,
                    },
                    exp_annotations: {
                      title: rule.name,
                      summary,
                      description:
                        'KPI customer_churn is 0.07 (alert when > 0.06)',
                      condition: 'churn: > 6 % # per month',
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(runPromtool('test', 'rules', testFile)).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});
