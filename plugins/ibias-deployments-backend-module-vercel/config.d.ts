import type { HumanDuration } from '@backstage/types';

export interface Config {
  ibias?: {
    deployments?: {
      /**
       * The Vercel deploy target (`ibias.deployments.environments.<env>.target: vercel`)
       * and its log-drain receiver.
       */
      vercel?: {
        /**
         * A Vercel access token allowed to deploy, promote and roll back the projects below.
         * @visibility secret
         */
        token: string;
        /** The team that owns the projects (sent as `teamId` on every call). */
        teamId?: string;
        /** The Vercel REST API; default https://api.vercel.com. */
        apiUrl?: string;
        /**
         * Where a deployment's unique host is reached, as `<deploymentUrlBase>/<host>`;
         * default `https://<host>`. Tests point it at a loopback.
         */
        deploymentUrlBase?: string;
        /** How long a build may take before a deploy fails; default 15 minutes. */
        buildTimeout?: HumanDuration | string;
        /**
         * The secret of the project's log drain: `x-vercel-signature` is the HMAC-SHA1 of
         * each batch under it. Without it the drain route refuses every batch.
         * @visibility secret
         */
        drainSecret?: string;
        /** The verification code Vercel shows when the drain is created (`x-vercel-verify`). */
        drainVerificationCode?: string;
        /** The Vercel project of each service, by catalog entity name. */
        projects: {
          [service: string]: {
            /** The project's id (`prj_…`): log-drain entries carry it. */
            projectId: string;
            /** The GitHub repository the project builds from. */
            repo: { org: string; repo: string };
            /** The production domain shown as the environment's URL, e.g. https://ibias.example.com */
            productionUrl?: string;
            /** Put before a version to name its git tag: `v` for tags like v1.2.0; default none. */
            tagPrefix?: string;
            /**
             * A Vercel project of its own per environment (e.g. `staging`: a project whose
             * production domain is the staging domain), built from the same repository
             * and tags; environments not named use the project above.
             */
            environments?: {
              [environment: string]: {
                /** Default: the service's project. */
                projectId?: string;
                productionUrl?: string;
                /**
                 * Preview deployments instead of production: the environment is the
                 * preview the alias points at (e.g. development → dev.ibias.example.com,
                 * staging → staging.ibias.example.com). Blue-green only: Vercel splits
                 * production traffic alone.
                 */
                preview?: { alias: string };
              };
            };
          };
        };
      };
    };
  };
}
