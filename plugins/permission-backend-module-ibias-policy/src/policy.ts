import {
  AuthorizeResult,
  isPermission,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogEntityDeletePermission,
  catalogEntityValidatePermission,
  catalogIngestionManagePermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  taskCancelPermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  approvePermission,
  deployPermission,
  rollbackPermission,
} from '@internal/plugin-ibias-deployments-common';
import {
  metricsBusinessReadPermission,
  metricsImportPermission,
} from '@internal/plugin-ibias-metrics-common';
import {
  aiCostsAlertUpdatePermission,
  aiCostsReadPermission,
  aiCostsRepricePermission,
} from '@internal/plugin-ibias-ai-costs-common';
import {
  aiCostsTeamConditions,
  createAiCostsTeamConditionalDecision,
} from '@internal/plugin-ibias-ai-costs-node';
import {
  createDeploymentTargetConditionalDecision,
  deploymentTargetConditions,
} from '@internal/plugin-ibias-deployments-node';

export interface IbiasPolicyOptions {
  /** Members of this group may approve production deployments. */
  releaseManagers: string;
  /**
   * Members of these groups administer the catalog and the scaffolder: they register
   * and delete locations, delete any entity, cancel any task and use the template
   * editor. Default: group:default/platform-team.
   */
  catalogAdmins: string[];
  /**
   * Members of these groups see financial KPIs (MRR, CAC, LTV, churn).
   * Default: group:default/executives and group:default/platform-team.
   */
  businessReaders: string[];
  /**
   * Members of these groups read every team's AI spend (and what no team owns); everyone
   * else reads their own teams'. Default: group:default/executives.
   */
  aiCostsReaders: string[];
}

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/** What only catalog administrators may do: it reads or rewrites what everyone trusts. */
const ADMIN_ONLY: Permission[] = [
  // A location decides which entities exist (and where the catalog reads from).
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
  // Analysis and validation read any URL the portal's integrations can reach (with their
  // tokens: private repositories too) and quote what they read in their errors.
  catalogLocationAnalyzePermission,
  catalogEntityValidatePermission,
  catalogIngestionManagePermission,
  // The template editor runs arbitrary template content on the server.
  templateDryRunPermission,
  templateManagementPermission,
];

/**
 * The IBIAS permission policy.
 *
 * - Deployments: owners deploy (to development and staging directly; production waits
 *   in pending_approval, which the deployments plugin enforces) and roll back; only
 *   release managers approve (never their own request, also enforced by the plugin).
 * - Catalog: registering, analysing and deleting locations, validating entities (both
 *   read URLs with the integrations' tokens) and managing ingestion are for catalog
 *   administrators; an entity is deleted by its owners or an administrator.
 * - Scaffolder: a task is read and cancelled by whoever started it or an administrator;
 *   the template editor (dry run, management) is for administrators.
 * - Metrics: financial KPIs are for the business readers (executives and the platform
 *   team by default); importing business records is for administrators.
 * - AI costs: a team's spend is read, and its alerts acknowledged and snoozed, by its
 *   members and the AI cost readers (executives by default), who alone re-price
 *   recorded usage.
 * - Everything else is allowed.
 *
 * Ownership and membership come from the signed-in user's ownership claims, which the
 * catalog derives from User and Group entities; those are only accepted from the
 * organisation's configured locations (catalog rules in app-config.yaml).
 */
export class IbiasPermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: IbiasPolicyOptions) {}

  private isAdmin(user?: PolicyQueryUser) {
    const claims = user?.info.ownershipEntityRefs ?? [];
    return this.options.catalogAdmins.some(group => claims.includes(group));
  }

  private isMemberOfAny(user: PolicyQueryUser | undefined, groups: string[]) {
    const claims = (user?.info.ownershipEntityRefs ?? []).map(ref =>
      ref.toLocaleLowerCase('en-US'),
    );
    return groups.some(g => claims.includes(g.toLocaleLowerCase('en-US')));
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      isPermission(permission, deployPermission) ||
      isPermission(permission, rollbackPermission)
    ) {
      if (!user) return DENY;
      return createDeploymentTargetConditionalDecision(
        permission,
        deploymentTargetConditions.isOwner({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }
    if (isPermission(permission, approvePermission)) {
      // Both sides in the catalog's lowercase form (readReleaseManagers lowercases).
      return user?.info.ownershipEntityRefs.some(
        ref =>
          ref.toLocaleLowerCase('en-US') ===
          this.options.releaseManagers.toLocaleLowerCase('en-US'),
      )
        ? ALLOW
        : DENY;
    }
    if (isPermission(permission, metricsBusinessReadPermission)) {
      return this.isMemberOfAny(user, this.options.businessReaders)
        ? ALLOW
        : DENY;
    }
    if (
      isPermission(permission, aiCostsReadPermission) ||
      isPermission(permission, aiCostsAlertUpdatePermission)
    ) {
      // Acting on a team's alerts goes with reading its spend.
      if (!user) return DENY;
      if (this.isMemberOfAny(user, this.options.aiCostsReaders)) return ALLOW;
      return createAiCostsTeamConditionalDecision(
        permission,
        aiCostsTeamConditions.isTeamMember({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }
    if (isPermission(permission, aiCostsRepricePermission)) {
      // Re-pricing rewrites every team's figures: for those who read them all.
      return this.isMemberOfAny(user, this.options.aiCostsReaders)
        ? ALLOW
        : DENY;
    }
    if (isPermission(permission, metricsImportPermission)) {
      // Imported records become the executives' figures.
      return this.isAdmin(user) ? ALLOW : DENY;
    }
    if (ADMIN_ONLY.some(p => p.name === permission.name)) {
      return this.isAdmin(user) ? ALLOW : DENY;
    }
    if (isPermission(permission, catalogEntityDeletePermission)) {
      if (!user) return DENY;
      if (this.isAdmin(user)) return ALLOW;
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: user.info.ownershipEntityRefs,
        }),
      );
    }
    if (
      isPermission(permission, taskCancelPermission) ||
      isPermission(permission, taskReadPermission)
    ) {
      if (!user) return DENY;
      if (this.isAdmin(user)) return ALLOW;
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({
          createdBy: [user.info.userEntityRef],
        }),
      );
    }
    return ALLOW;
  }
}
