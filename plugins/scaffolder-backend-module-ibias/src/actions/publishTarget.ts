import type { Config } from '@backstage/config';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * Decides where a new service is published: GitHub when a GitHub integration with a token
 * is configured (and ibias.scaffolder.githubOwner names the organisation), otherwise a
 * local git repository, so the embedded default works on one machine.
 */
/** Where new services are published with this configuration. */
export function choosePublishTarget(config: Config) {
  // github.com, or a GitHub Enterprise Server host (ibias.scaffolder.githubHost).
  const host =
    config.getOptionalString('ibias.scaffolder.githubHost') ?? 'github.com';
  const github = (
    config.getOptionalConfigArray('integrations.github') ?? []
  ).find(c => (c.getOptionalString('host') ?? 'github.com') === host);
  const token = github?.getOptionalString('token');
  const owner = config.getOptionalString('ibias.scaffolder.githubOwner');
  const target: 'github' | 'local' = token && owner ? 'github' : 'local';
  return { target, githubOwner: owner, githubHost: host };
}

export function createPublishTargetAction(options: { config: Config }) {
  return createTemplateAction({
    id: 'ibias:publish:target',
    description:
      'Outputs `github` when a GitHub integration token is configured, else `local`',
    supportsDryRun: true,
    schema: {
      output: {
        target: z => z.enum(['github', 'local']),
        githubOwner: z => z.string().optional(),
        githubHost: z => z.string(),
      },
    },
    async handler(ctx) {
      const {
        target,
        githubOwner: owner,
        githubHost: host,
      } = choosePublishTarget(options.config);
      ctx.logger.info(
        target === 'github'
          ? `Publishing to GitHub organisation ${owner} on ${host}`
          : 'No GitHub token or ibias.scaffolder.githubOwner configured: publishing to a local git repository',
      );
      ctx.output('target', target);
      if (owner) ctx.output('githubOwner', owner);
      ctx.output('githubHost', host);
    },
  });
}
