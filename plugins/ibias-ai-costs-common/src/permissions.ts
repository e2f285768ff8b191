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

/**
 * Acknowledging and snoozing a team's AI cost alerts: a resource permission on the
 * alert's team, like reading. The default policy decides it as it decides reading (the
 * team's members, and the readers of every team); the server checks it on top of
 * reading, so a policy may let someone see alerts without acting on them.
 */
export const aiCostsAlertUpdatePermission = createPermission({
  name: 'ibias.aiCosts.alerts.update',
  attributes: { action: 'update' },
  resourceType: AI_COSTS_TEAM_RESOURCE_TYPE,
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
