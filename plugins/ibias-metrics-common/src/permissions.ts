import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Financial KPIs (MRR, CAC, LTV, churn and the figures behind them). The default policy
 * grants it to group:default/executives and group:default/platform-team; the server
 * checks it on every request that would carry a financial figure.
 */
export const metricsBusinessReadPermission = createPermission({
  name: 'ibias.metrics.business.read',
  attributes: { action: 'read' },
});

/** Importing business records (billing, spend, surveys) through the import API. */
export const metricsImportPermission = createPermission({
  name: 'ibias.metrics.import',
  attributes: { action: 'create' },
});

/** Acknowledging, silencing and resolving alerts (on top of owning the alert's service). */
export const metricsAlertUpdatePermission = createPermission({
  name: 'ibias.metrics.alerts.update',
  attributes: { action: 'update' },
});

export const metricsPermissions = [
  metricsBusinessReadPermission,
  metricsImportPermission,
  metricsAlertUpdatePermission,
];
