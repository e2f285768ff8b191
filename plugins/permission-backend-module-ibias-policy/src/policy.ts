import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  approvePermission,
  deployPermission,
  rollbackPermission,
} from '@internal/plugin-ibias-deployments-common';
import {
  createDeploymentTargetConditionalDecision,
  deploymentTargetConditions,
} from '@internal/plugin-ibias-deployments-node';

export interface IbiasPolicyOptions {
  /** Members of this group may approve production deployments. */
  releaseManagers: string;
}

/**
 * The IBIAS permission policy. Deployments: owners deploy (to development and staging
 * directly; production waits in pending_approval, which the deployments plugin enforces)
 * and roll back anywhere; only release managers approve (never their own request, also
 * enforced by the plugin). Everything else is allowed, as before this policy.
 */
export class IbiasPermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: IbiasPolicyOptions) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      isPermission(permission, deployPermission) ||
      isPermission(permission, rollbackPermission)
    ) {
      if (!user) return { result: AuthorizeResult.DENY };
      return createDeploymentTargetConditionalDecision(
        permission,
        deploymentTargetConditions.isOwner({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }
    if (isPermission(permission, approvePermission)) {
      return user?.info.ownershipEntityRefs.includes(
        this.options.releaseManagers,
      )
        ? { result: AuthorizeResult.ALLOW }
        : { result: AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
