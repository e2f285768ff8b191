import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { DEPLOYMENT_TARGET_RESOURCE_TYPE } from '@internal/plugin-ibias-deployments-common';
import { z } from 'zod';

/** A service in an environment, as the permission rules see it. */
export interface DeploymentTarget {
  entityRef: string;
  environment: string;
  /** The owning group or user of the service (full entity ref), if any. */
  owner?: string;
}

/** Filters are not used for queries; the shape names what a rule would filter on. */
export interface DeploymentTargetQuery {
  key: 'owner' | 'environment';
  values: string[];
}

export const deploymentTargetResourceRef = createPermissionResourceRef<
  DeploymentTarget,
  DeploymentTargetQuery
>().with({
  pluginId: 'ibias-deployments',
  resourceType: DEPLOYMENT_TARGET_RESOURCE_TYPE,
});

/** The service is owned by one of the claims (the user's ownership entity refs). */
export const isOwner = createPermissionRule({
  name: 'IS_OWNER',
  description: 'The service is owned by one of the given entities',
  resourceRef: deploymentTargetResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('Entity refs of the user and their groups'),
  }),
  apply: (target, { claims }) =>
    Boolean(target.owner && claims.includes(target.owner)),
  toQuery: ({ claims }) => ({ key: 'owner', values: claims }),
});

/** The target environment is one of the given environments. */
export const isEnvironment = createPermissionRule({
  name: 'IS_ENVIRONMENT',
  description: 'The deployment goes to one of the given environments',
  resourceRef: deploymentTargetResourceRef,
  paramsSchema: z.object({
    environments: z
      .array(z.string())
      .describe('development, staging, production'),
  }),
  apply: (target, { environments }) =>
    environments.includes(target.environment),
  toQuery: ({ environments }) => ({ key: 'environment', values: environments }),
});

export const deploymentTargetRules = { isOwner, isEnvironment };

export const {
  conditions: deploymentTargetConditions,
  createConditionalDecision: createDeploymentTargetConditionalDecision,
} = createConditionExports({
  pluginId: 'ibias-deployments',
  resourceType: DEPLOYMENT_TARGET_RESOURCE_TYPE,
  rules: deploymentTargetRules,
});
