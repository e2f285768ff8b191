import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogOwnerOf } from '@internal/ibias-backend-catalog';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { aiCostsPermissions } from '@internal/plugin-ibias-ai-costs-common';
import {
  aiCostsTeamResourceRef,
  aiCostsTeamRules,
} from '@internal/plugin-ibias-ai-costs-node';
import { readAiCostsSettings } from './config';
import {
  KnexUsageStore,
  migrateAiCostsDatabase,
} from './database/KnexUsageStore';
import { checkHealth } from './health';
import { BudgetService } from './service/BudgetService';
import { notifyBudgetFirings } from './service/budgetNotifications';
import { notificationService } from '@backstage/plugin-notifications-node';
import { CostService } from './service/CostService';
import { IngestService } from './service/IngestService';
import { RateLimiter } from './service/RateLimiter';
import { createRouter } from './service/router';

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
      },
      async init(deps) {
        const { logger } = deps;
        const settings = readAiCostsSettings(deps.config);
        const knex = await migrateAiCostsDatabase(deps.database);
        const store = new KnexUsageStore(knex);
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
        deps.httpRouter.use(
          createRouter({
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            ingest,
            costs,
            budgets,
            health: () => checkHealth(knex),
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/health',
          allow: 'unauthenticated',
        });
        logger.info(
          `AI costs: ${settings.prices.length} prices, ${settings.budgets.length} budgets`,
        );
      },
    });
  },
});
