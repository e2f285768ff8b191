import { createPermission } from '@backstage/plugin-permission-common';

/** The permission resource of AI costs: a team's spend, named by the team's group ref. */
export const AI_COSTS_TEAM_RESOURCE_TYPE = 'ibias-ai-costs-team';

/**
 * Reading a team's AI spend (its services', and what is attributed to it). The default
 * policy allows it to the team's own members for the team's spend and to
 * group:default/executives for every team's; the server checks it for each team it
 * would show.
 */
export const aiCostsReadPermission = createPermission({
  name: 'ibias.aiCosts.read',
  attributes: { action: 'read' },
  resourceType: AI_COSTS_TEAM_RESOURCE_TYPE,
});

/** Acknowledging and snoozing AI cost alerts (on top of owning what they are about). */
export const aiCostsAlertUpdatePermission = createPermission({
  name: 'ibias.aiCosts.alerts.update',
  attributes: { action: 'update' },
});

/**
 * Re-pricing recorded usage with the current price books (POST /reprice): it rewrites
 * every team's figures, so the default policy allows it to the readers of all teams only
 * (ibias.permissions.aiCostsReaders).
 */
export const aiCostsRepricePermission = createPermission({
  name: 'ibias.aiCosts.reprice',
  attributes: { action: 'update' },
});

export const aiCostsPermissions = [
  aiCostsReadPermission,
  aiCostsAlertUpdatePermission,
  aiCostsRepricePermission,
];
