import {
  AuthorizeResult,
  type PermissionCondition,
  type PermissionCriteria,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { AI_COSTS_TEAM_RESOURCE_TYPE } from '@internal/plugin-ibias-ai-costs-common';
import { z } from 'zod';

/** A team's spend, as the permission rules see it: the team's group ref. */
export interface AiCostsTeam {
  team: string;
}

/** What a decision lets through: the teams it names. */
export interface AiCostsTeamQuery {
  key: 'team';
  values: string[];
}

export const aiCostsTeamResourceRef = createPermissionResourceRef<
  AiCostsTeam,
  AiCostsTeamQuery
>().with({
  pluginId: 'ibias-ai-costs',
  resourceType: AI_COSTS_TEAM_RESOURCE_TYPE,
});

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** The team is one of the claims (the user's ownership entity refs: they are a member). */
export const isTeamMember = createPermissionRule({
  name: 'IS_TEAM_MEMBER',
  description: "The spend is of a team among the user's ownership claims",
  resourceRef: aiCostsTeamResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the user and their groups'),
  }),
  apply: (resource, { claims }) =>
    claims.map(lower).includes(lower(resource.team)),
  toQuery: ({ claims }) => ({ key: 'team', values: claims.map(lower) }),
});

export const aiCostsTeamRules = { isTeamMember };

export const {
  conditions: aiCostsTeamConditions,
  createConditionalDecision: createAiCostsTeamConditionalDecision,
} = createConditionExports({
  pluginId: 'ibias-ai-costs',
  resourceType: AI_COSTS_TEAM_RESOURCE_TYPE,
  rules: aiCostsTeamRules,
});

type Criteria = PermissionCriteria<PermissionCondition<string>>;

/**
 * Which teams a read decision lets through: every team (ALLOW), none (DENY), or those
 * its conditions name, evaluated with the plugin's rules (any of, all of, not).
 */
export function teamsAllowedBy(
  decision: PolicyDecision,
): (team: string) => boolean {
  if (decision.result === AuthorizeResult.ALLOW) return () => true;
  if (decision.result === AuthorizeResult.DENY) return () => false;
  const evaluate = (criteria: Criteria, team: string): boolean => {
    if ('allOf' in criteria)
      return criteria.allOf.every(c => evaluate(c, team));
    if ('anyOf' in criteria) return criteria.anyOf.some(c => evaluate(c, team));
    if ('not' in criteria) return !evaluate(criteria.not, team);
    // The one rule: its params parsed here, whatever the decision carried.
    if (criteria.rule !== isTeamMember.name) return false;
    const claims = (criteria.params as { claims?: unknown } | undefined)
      ?.claims;
    return (
      Array.isArray(claims) &&
      claims.every(c => typeof c === 'string') &&
      isTeamMember.apply({ team }, { claims })
    );
  };
  const conditions = (decision as { conditions: Criteria }).conditions;
  return team => evaluate(conditions, team);
}
