import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  metricsPermissions,
  periodStart,
  SEED_ALERT_RULES,
} from '@internal/plugin-ibias-metrics-common';
import { readMetricsSettings } from './config';
import { KnexAlertStore } from './database/KnexAlertStore';
import {
  KnexRecordStore,
  migrateMetricsDatabase,
} from './database/KnexRecordStore';
import { AlertService } from './alerts/AlertService';
import { kpiAlertRules } from './alerts/rulesFile';
import { createAlertDelivery } from './alerts/deliveries';
import { PagerDutyClient } from './alerts/PagerDutyClient';
import {
  catalogOwnerOf,
  ServiceAlertEvaluator,
} from './alerts/ServiceAlertEvaluator';
import { DashboardService } from './kpi/DashboardService';
import { KpiService } from './kpi/KpiService';
import { createMetricsRouter, PortalMetrics } from './prometheus';
import { createRouter } from './service/router';
import { RealRecords } from './sources/RealRecords';
import { StripeWebhook } from './sources/StripeWebhook';
import { SqlKpiSource } from './sources/SqlKpiSource';
import { PrometheusKpiSource } from './sources/PrometheusKpiSource';
import { checkHealth } from './health';
import {
  scrapeableAlertCounts,
  scrapeableKpiValues,
} from './prometheus/scrapeableKpiValues';
import { PrometheusClient } from './prometheus/PrometheusClient';
import { GoldenSignals } from './signals/GoldenSignals';
import {
  HttpDeploymentHistory,
  HttpDeployMarkers,
} from './signals/DeployMarkers';
import { DeploymentsApi } from '@internal/plugin-ibias-deployments-node';
import { RouterSignals } from './signals/RouterSignals';
import { snapshotRows } from './kpi/snapshots';
import { eachSettled, evaluationRound } from './alerts/evaluationRound';

/**
 * IBIAS metrics: executive KPIs computed from the business's own records, alerts with a
 * lifecycle delivered to owners and PagerDuty, and the portal's own Prometheus metrics.
 *
 * @public
 */
export const ibiasMetricsPlugin = createBackendPlugin({
  pluginId: 'ibias-metrics',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        discovery: coreServices.discovery,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        userInfo: coreServices.userInfo,
        signals: signalsServiceRef,
        notifications: notificationService,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        const settings = readMetricsSettings(config);
        const knex = await migrateMetricsDatabase(deps.database);
        const store = new KnexRecordStore(knex);
        const alertStore = new KnexAlertStore(knex);
        const metrics = new PortalMetrics();
        metrics.instrumentKnex(knex);
        deps.permissionsRegistry.addPermissions(metricsPermissions);

        const realRecords = new RealRecords({
          store,
          logger,
          sampleEnabled: settings.sampleEnabled,
        });
        await realRecords
          .loadSampleIfEmpty(new Date())
          .catch(e => logger.warn(`The sample business was not loaded: ${e}`));

        const prometheus = settings.prometheusUrl
          ? new PrometheusClient({ url: settings.prometheusUrl })
          : undefined;
        const sql = settings.sql
          ? new SqlKpiSource({ ...settings.sql, logger })
          : undefined;
        if (sql) deps.lifecycle.addShutdownHook(() => sql.close());
        const kpis = new KpiService({
          store,
          definitions: settings.definitions,
          permissions: deps.permissions,
          auditor: deps.auditor,
          grossMargin: settings.grossMargin,
          sources: {
            sql,
            prometheus:
              prometheus && new PrometheusKpiSource({ prometheus, logger }),
          },
        });
        // The same KPI rules the Prometheus rules file carries (one definition of each).
        const kpiRules = kpiAlertRules(Object.values(settings.definitions)).map(
          rule => ({
            rule,
            definition: settings.definitions[rule.signal.slice('kpi:'.length)],
          }),
        );
        const ruleNames = new Map<string, string>([
          ...SEED_ALERT_RULES.map(r => [r.id, r.name] as const),
          ...kpiRules.map(k => [k.rule.id, k.rule.name] as const),
        ]);
        const ruleName = (id: string) => ruleNames.get(id) ?? id;
        const alerts = new AlertService({
          store: alertStore,
          delivery: createAlertDelivery({
            signals: deps.signals,
            notifications: deps.notifications,
            pagerDuty: settings.pagerDuty
              ? new PagerDutyClient({ ...settings.pagerDuty, logger })
              : undefined,
            baseUrl: config.getOptionalString('app.baseUrl'),
            logger,
          }),
          permissions: deps.permissions,
          userInfo: deps.userInfo,
          auditor: deps.auditor,
          logger,
          ruleNames: ruleName,
        });
        // The seed's service rules, per service, from Prometheus (the alerting
        // environment's series: ibias.metrics.alerts.environment, production by default).
        const serviceAlerts = prometheus
          ? new ServiceAlertEvaluator({
              prometheus,
              alerts,
              rules: settings.rules,
              serviceOverrides: settings.serviceOverrides,
              environment: settings.alertEnvironment,
              ownerOf: catalogOwnerOf(deps),
              logger,
            })
          : undefined;
        // ibias-deployments, asked as the caller: dashboard and chart markers, the
        // Metrics tab's fallback without Prometheus.
        const deployments = new DeploymentsApi({
          discovery: deps.discovery,
          auth: deps.auth,
          logger,
        });
        const dashboard = new DashboardService({
          kpis,
          store,
          alerts,
          ruleName,
          deployments: new HttpDeploymentHistory(deployments),
        });
        const stripe = new StripeWebhook({
          store,
          realRecords,
          endpointSecret: settings.stripe.webhookSecret,
          toleranceSeconds: settings.stripe.toleranceSeconds,
        });

        const markers = new HttpDeployMarkers(deployments);
        const goldenSignals = prometheus
          ? new GoldenSignals({ prometheus, markers })
          : undefined;
        const routerSignals = prometheus
          ? undefined
          : new RouterSignals({ deployments, markers });

        deps.httpRouter.use(metrics.httpMiddleware());
        deps.httpRouter.use(
          createMetricsRouter({ metrics, token: settings.scrapeToken }),
        );
        deps.httpRouter.use(
          createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            kpis,
            dashboard,
            alerts,
            ruleName,
            store,
            realRecords,
            stripe,
            goldenSignals,
            routerSignals,
            health: () =>
              checkHealth({ knex, prometheusUrl: settings.prometheusUrl, sql }),
          }),
        );
        // Prometheus sends its own bearer token (checked by the metrics router), Stripe
        // signs its body (checked before anything is read); /health says nothing secret.
        for (const path of ['/metrics', '/webhooks/stripe', '/health']) {
          deps.httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }

        // KPI threshold alerts, the seed's service alerts and the KPI gauges, every
        // evaluation interval.
        await deps.scheduler.scheduleTask({
          id: 'ibias-metrics-evaluate',
          frequency: { seconds: settings.evaluationSeconds },
          timeout: { minutes: 2 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: () =>
            evaluationRound(
              [
                {
                  name: 'KPI alerts',
                  run: async () => {
                    const series = await kpis.series(
                      Object.values(settings.definitions),
                      'month',
                      2,
                    );
                    const values: Record<string, number | null> = {};
                    for (const s of series) {
                      values[s.definition.id] =
                        s.points[s.points.length - 1]?.value ?? null;
                    }
                    metrics.setKpiValues(
                      scrapeableKpiValues(values, settings.definitions, {
                        tokenRequired: Boolean(settings.scrapeToken),
                      }),
                    );
                    await eachSettled(
                      kpiRules,
                      k => k.rule.id,
                      async ({ definition, rule }) => {
                        const value = values[definition.id];
                        await alerts.evaluate(
                          rule,
                          `kpi:${definition.id}`,
                          value === null || value === undefined
                            ? undefined
                            : { value, samples: 1 },
                          {
                            owner: definition.owner,
                            evidence: {
                              kpi: definition.id,
                              value: value ?? null,
                              threshold: rule.threshold,
                            },
                          },
                        );
                      },
                    );
                  },
                },
                {
                  name: 'service alerts',
                  run: async () => {
                    await serviceAlerts?.evaluate(new Date());
                  },
                },
                {
                  name: 'alert gauges',
                  run: async () =>
                    metrics.setAlertCounts(
                      scrapeableAlertCounts(
                        await alertStore.counts(),
                        settings.definitions,
                        { tokenRequired: Boolean(settings.scrapeToken) },
                      ),
                    ),
                },
              ],
              logger,
            ),
        });

        // Snapshots (trends outlive Prometheus retention) and a rebuild when a new
        // month or quarter began (every customer needs a row in it).
        await deps.scheduler.scheduleTask({
          id: 'ibias-metrics-snapshots',
          frequency: { minutes: settings.snapshotMinutes },
          timeout: { minutes: 15 },
          initialDelay: { seconds: 20 },
          scope: 'global',
          fn: async () => {
            const now = new Date();
            const latest = await store.latestRollup('month');
            if (
              latest !== undefined &&
              latest < periodStart('month', now).getTime()
            ) {
              const n = await store.rebuildAll(now);
              logger.info(`A new month began: rebuilt ${n} customers' MRR`);
            }
            await store.saveSnapshots(
              await snapshotRows(kpis, settings.definitions),
              now.getTime(),
            );
          },
        });
      },
    });
  },
});
