import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  DEPLOYMENT_STATUSES,
  ENVIRONMENTS,
  STRATEGIES,
} from '@internal/plugin-ibias-deployments-common';
import { spec } from '../schema/openapi.generated';
import { publicDeployment, type DeploymentService } from './DeploymentService';

const { schemas } = spec.components;

/**
 * MCP actions (through the actions registry) for deploy, rollback and status. Their
 * input schemas give only the shape (and the descriptions of the OpenAPI document): the
 * DeploymentService validates the values against the document's schemas, checks
 * permissions and audits, exactly as for the HTTP API.
 */
export function registerDeploymentActions(
  registry: ActionsRegistryService,
  service: DeploymentService,
) {
  registry.register({
    name: 'deploy-service',
    title: 'Deploy a service',
    description:
      'Deploys a version of an IBIAS service to development, staging or production with a blue-green, canary or rolling strategy. Production deployments wait for a release manager. With dryRun the plan is returned and nothing changes.',
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(schemas.DeployRequest.properties.entityRef.description),
          environment: z.enum(ENVIRONMENTS),
          version: z.string().describe(schemas.Version.description),
          strategy: z.enum(STRATEGIES),
          dryRun: z
            .boolean()
            .optional()
            .describe(schemas.DeployRequest.properties.dryRun.description),
        }),
      output: z =>
        z.object({
          deploymentId: z.string().optional(),
          status: z.enum([...DEPLOYMENT_STATUSES, 'planned']),
          message: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const result = await service.create(input, { credentials });
      if (result.dryRun) {
        const p = result.plan;
        return {
          output: {
            status: 'planned' as const,
            message: `${p.previousVersion ?? 'nothing'} → ${p.version} in ${
              p.environment
            }: ${p.steps.map(s => s.name).join(' → ')}${
              p.needsApproval ? ' (needs a release manager’s approval)' : ''
            }`,
          },
        };
      }
      const d = result.deployment;
      return {
        output: {
          deploymentId: d.id,
          status: d.status,
          message: `Deployment ${d.id} of ${d.version} to ${d.environment} is ${d.status}`,
        },
      };
    },
  });

  registry.register({
    name: 'rollback-deployment',
    title: 'Roll back a deployment',
    description:
      'Deploys the previous (or a chosen earlier, once succeeded) version of the service again, blue-green. In production the rollback waits for a release manager’s approval (status pending_approval), unless breakGlassReason says why it cannot wait: then it runs at once, and the release managers are told who did it and why.',
    schema: {
      input: z =>
        z.object({
          deploymentId: z.string(),
          version: z
            .string()
            .optional()
            .describe(schemas.RollbackRequest.properties.version.description),
          breakGlassReason: z
            .string()
            .optional()
            .describe(
              `Production only: ${schemas.BreakGlass.properties.reason.description} Audited, and the release managers are notified.`,
            ),
        }),
      output: z =>
        z.object({
          deploymentId: z.string(),
          version: z.string(),
          status: z.enum(DEPLOYMENT_STATUSES),
        }),
    },
    action: async ({ input, credentials }) => {
      const d = await service.rollback(
        input.deploymentId,
        {
          ...(input.version === undefined ? {} : { version: input.version }),
          ...(input.breakGlassReason === undefined
            ? {}
            : { breakGlass: { reason: input.breakGlassReason } }),
        },
        { credentials },
      );
      return {
        output: { deploymentId: d.id, version: d.version, status: d.status },
      };
    },
  });

  registry.register({
    name: 'deployment-status',
    title: 'Deployment status',
    description:
      'What runs where for a service (version, since, by, strategy, traffic), or one deployment with its steps and evidence.',
    attributes: { readOnly: true },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().optional(),
          deploymentId: z.string().optional(),
        }),
      output: z =>
        z.object({
          environments: z.array(z.record(z.string(), z.unknown())),
          deployment: z.record(z.string(), z.unknown()).optional(),
        }),
    },
    action: async ({ input }) => {
      const environments = await service.environments(input.entityRef);
      const deployment =
        input.deploymentId === undefined
          ? undefined
          : publicDeployment(await service.get(input.deploymentId));
      return {
        output: {
          environments,
          ...(deployment ? { deployment } : {}),
        },
      };
    },
  });
}
