import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  DEPLOYMENT_STATUSES,
  ENVIRONMENTS,
  STRATEGIES,
} from '@internal/plugin-ibias-deployments-common';
import {
  BREAK_GLASS_REASON,
  normalizeEntityRef,
  publicDeployment,
  type DeploymentService,
} from './DeploymentService';

function actor(credentials: BackstageCredentials) {
  const p = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return p.userEntityRef ?? p.subject ?? 'unknown';
}

const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * MCP actions (through the actions registry) for deploy, rollback and status. They go
 * through the same DeploymentService as the HTTP API, so the same permission checks,
 * validation and audit apply.
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
          entityRef: z.string().describe('e.g. component:default/ibias-api'),
          environment: z.enum(ENVIRONMENTS),
          version: z.string().regex(VERSION),
          strategy: z.enum(STRATEGIES),
          dryRun: z.boolean().optional(),
        }),
      output: z =>
        z.object({
          deploymentId: z.string().optional(),
          status: z.enum([...DEPLOYMENT_STATUSES, 'planned']),
          message: z.string(),
        }),
    },
    action: async ({ input, credentials }) => {
      const result = await service.create(
        { ...input, entityRef: normalizeEntityRef(input.entityRef) },
        actor(credentials),
        credentials,
      );
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
          deploymentId: z.string().uuid(),
          version: z.string().regex(VERSION).optional(),
          breakGlassReason: z
            .string()
            .trim()
            .min(BREAK_GLASS_REASON.min)
            .max(BREAK_GLASS_REASON.max)
            .optional()
            .describe(
              'Production only: why the rollback cannot wait for approval (audited, release managers notified)',
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
          version: input.version,
          breakGlass:
            input.breakGlassReason === undefined
              ? undefined
              : { reason: input.breakGlassReason },
        },
        actor(credentials),
        credentials,
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
          deploymentId: z.string().uuid().optional(),
        }),
      output: z =>
        z.object({
          environments: z.array(z.record(z.string(), z.unknown())),
          deployment: z.record(z.string(), z.unknown()).optional(),
        }),
    },
    action: async ({ input }) => {
      const environments = await service.environments(
        input.entityRef === undefined
          ? undefined
          : normalizeEntityRef(input.entityRef),
      );
      const deployment = input.deploymentId
        ? publicDeployment(await service.get(input.deploymentId))
        : undefined;
      return {
        output: {
          environments: environments as unknown as Record<string, unknown>[],
          ...(deployment
            ? { deployment: deployment as unknown as Record<string, unknown> }
            : {}),
        },
      };
    },
  });
}
