import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogOwnerOf } from '@internal/ibias-backend-catalog';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { aiCostsPermissions } from '@internal/plugin-ibias-ai-costs-common';
import {
  aiUsageKeysServiceRef,
  aiCostsTeamResourceRef,
  aiCostsTeamRules,
} from '@internal/plugin-ibias-ai-costs-node';
import { readAiCostsSettings } from './config';
import {
  KnexUsageStore,
  migrateAiCostsDatabase,
} from './database/KnexUsageStore';
import { KnexUsageLedgerStore } from './database/KnexUsageLedgerStore';
import { checkHealth } from './health';
import { ExportService } from './service/ExportService';
import { RepriceService } from './service/RepriceService';
import { deleteExpiredAlerts, deleteExpiredEvents } from './service/retention';
import { BudgetService } from './service/BudgetService';
import { notifyBudgetFirings } from './service/budgetNotifications';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { KnexAlertStore } from './database/KnexAlertStore';
import { AiAlertService } from './alerts/AiAlertService';
import { AlertEvaluator } from './alerts/AlertEvaluator';
import { allRules } from './alerts/alertSettings';
import { createAlertDelivery } from './alerts/alertDelivery';
import { DeployCostService } from './alerts/DeployCostService';
import { HttpDeployHistory } from './alerts/DeployHistory';
import { DeploymentsApi } from '@internal/plugin-ibias-deployments-node';
import { CostService } from './service/CostService';
import { IngestService } from './service/IngestService';
import { RateLimiter } from './service/RateLimiter';
import { createRouter } from './service/router';
import { loadSampleUsage } from './sample/sampleUsage';

/**
 * IBIAS AI costs: AI usage reported by services, priced per token or per second of
 * hardware, attributed to the catalog's services and their owners, with budgets.
 *
 * @public
 */
export const ibiasAiCostsPlugin = createBackendPlugin({
  pluginId: 'ibias-ai-costs',
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
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        scheduler: coreServices.scheduler,
        notifications: notificationService,
        auditor: coreServices.auditor,
        discovery: coreServices.discovery,
        signals: signalsServiceRef,
        usageKeys: aiUsageKeysServiceRef,
      },
      async init(deps) {
        const { logger } = deps;
        const settings = readAiCostsSettings(deps.config);
        const knex = await migrateAiCostsDatabase(deps.database);
        const store = new KnexUsageStore(knex);
        const ledger = new KnexUsageLedgerStore(knex);
        deps.permissionsRegistry.addResourceType({
          resourceRef: aiCostsTeamResourceRef,
          permissions: aiCostsPermissions,
          rules: Object.values(aiCostsTeamRules),
          getResources: async refs => refs.map(team => ({ team })),
        });
        const ownerOf = catalogOwnerOf({
          catalog: deps.catalog,
          auth: deps.auth,
        });
        const ingest = new IngestService({
          store,
          prices: () => settings.prices,
          ownerOf,
          limiter: new RateLimiter(settings.ingest),
          logger,
        });
        const costs = new CostService({
          store,
          permissions: deps.permissions,
        });
        const budgets = new BudgetService({
          store,
          permissions: deps.permissions,
          budgets: () => settings.budgets,
          ownerOf,
          readers: settings.readers,
          deliver: notifyBudgetFirings({
            notifications: deps.notifications,
            logger,
          }),
        });
        const exports = new ExportService({
          costs,
          store,
          ledger,
          permissions: deps.permissions,
        });
        const reprice = new RepriceService({
          ledger,
          prices: () => settings.prices,
          permissions: deps.permissions,
          auditor: deps.auditor,
          retentionDays: settings.retentionDays,
        });
        const alertStore = new KnexAlertStore(knex);
        // Raw events and resolved alerts past the retention, in batches; the rollups stay.
        await deps.scheduler.scheduleTask({
          id: 'ibias-ai-costs-retention',
          frequency: { hours: 6 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 5 },
          scope: 'global',
          fn: async () => {
            await deleteExpiredEvents({
              ledger,
              retentionDays: settings.retentionDays,
              now: new Date(),
              logger,
            });
            await deleteExpiredAlerts({
              alerts: alertStore,
              retentionDays: settings.retentionDays,
              now: new Date(),
              keepMs: Math.max(
                ...allRules(settings.alerts).map(r => r.cooldownMs),
              ),
              logger,
            });
          },
        });
        // AI cost alerts from the hourly rollups and the deploy history.
        const deployHistory = new HttpDeployHistory({
          deployments: new DeploymentsApi({
            discovery: deps.discovery,
            auth: deps.auth,
            logger,
            timeoutMs: 10_000,
          }),
          auth: deps.auth,
          logger,
        });
        const alerts = new AiAlertService({
          store: alertStore,
          evaluator: new AlertEvaluator({
            store: alertStore,
            settings: settings.alerts,
            deploys: deployHistory,
          }),
          rules: allRules(settings.alerts),
          permissions: deps.permissions,
          delivery: createAlertDelivery({
            notifications: deps.notifications,
            signals: deps.signals,
            readers: settings.readers,
            logger,
          }),
          logger,
          auditor: deps.auditor,
        });
        const deployCosts = new DeployCostService({
          store: alertStore,
          deploys: deployHistory,
          settings: settings.alerts.deployCost,
          permissions: deps.permissions,
        });
        if (settings.alerts.enabled) {
          // One open alert per rule and scope (a unique key decides, on any replica).
          await deps.scheduler.scheduleTask({
            id: 'ibias-ai-costs-alerts',
            frequency: { milliseconds: settings.alerts.frequencyMs },
            timeout: { minutes: 5 },
            initialDelay: { seconds: 45 },
            scope: 'global',
            fn: async () => {
              const { fired, resolved } = await alerts.evaluate();
              for (const a of fired) {
                logger.info(`AI alert ${a.ruleId} fired for ${a.scopeRef}`);
              }
              if (resolved > 0) logger.info(`AI alerts: ${resolved} resolved`);
            },
          });
        }
        // Each threshold once a period (the firings table decides, on any replica).
        await deps.scheduler.scheduleTask({
          id: 'ibias-ai-costs-budgets',
          frequency: { minutes: settings.budgetCheckMinutes },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          scope: 'global',
          fn: async () => {
            const fired = await budgets.evaluate();
            for (const f of fired) {
              logger.info(
                `AI budget ${f.budget.id}: ${f.threshold}${
                  f.threshold === 'forecast' ? '' : ' %'
                } fired`,
              );
            }
          },
        });
        if (settings.sampleEnabled) {
          // In the background: it waits for the catalog to know the sample services.
          void loadSampleUsage({
            store,
            isEmpty: async () => !(await store.hasUsage()),
            ownerOf,
            prices: () => settings.prices,
            logger,
          }).catch(e =>
            logger.warn(`The AI usage sample history was not loaded: ${e}`),
          );
        }
        deps.httpRouter.use(
          createRouter({
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            usageKeys: deps.usageKeys,
            ingest,
            costs,
            budgets,
            alerts,
            deployCosts,
            exports,
            reprice,
            health: () => checkHealth(knex),
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        // Services report with a usage key (x-ibias-usage-key), which Backstage's auth
        // middleware does not know: the handlers check it, or the caller's credentials.
        for (const path of ['/events', '/otlp/v1/traces']) {
          deps.httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
        logger.info(
          `AI costs: ${settings.prices.length} prices, ${settings.budgets.length} budgets`,
        );
      },
    });
  },
});
