/*
 * The IBIAS Portal backend: Backstage's new backend system with the default portal plugins.
 * The IBIAS plugins are added below as they land.
 */

import { createBackend } from '@backstage/backend-defaults';
import { catalogModuleIbiasLocalRepos } from '@internal/plugin-scaffolder-backend-module-ibias';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));
// event bus shared by catalog, signals and notifications
backend.add(import('@backstage/plugin-events-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// IBIAS actions: local publishing, catalog registration, the verification gate
backend.add(import('@internal/plugin-scaffolder-backend-module-ibias'));
backend.add(catalogModuleIbiasLocalRepos);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// GitHub sign-in for production (app-config.production.yaml)
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// See https://backstage.io/docs/permissions/getting-started for how to create your own permission policy
// The IBIAS policy: deployments for owners, approvals for release managers, the rest allowed.
backend.add(import('@internal/plugin-permission-backend-module-ibias-policy'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@internal/plugin-ibias-deployments-backend'));
// Deploy targets where IBIAS itself runs: used by an environment (or a service in one,
// `targetsByService`) that names them; inert until ibias.deployments.vercel / .supabase
// are configured.
backend.add(import('@internal/plugin-ibias-deployments-backend-module-vercel'));
backend.add(
  import('@internal/plugin-ibias-deployments-backend-module-supabase'),
);
backend.add(import('@internal/plugin-ibias-metrics-backend'));
backend.add(import('@internal/plugin-ibias-ai-costs-backend'));
backend.start();
