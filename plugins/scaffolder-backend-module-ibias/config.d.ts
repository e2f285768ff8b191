import type { HumanDuration } from '@backstage/types';

export interface Config {
  ibias?: {
    scaffolder?: {
      /**
       * Folder for the git repositories that `ibias:publish:local` creates when no GitHub
       * integration token is configured. Relative paths resolve from the backend's
       * working directory.
       */
      localReposDir?: string;
      /**
       * Whether `ibias:publish:local` and `ibias:catalog:register-local` may run (and the
       * catalog reads each repository's catalog-info.yaml in localReposDir through the
       * module's entity provider; the locations API never accepts `file` locations). On
       * for the embedded default, off in production.
       */
      localPublishing?: boolean;
      /**
       * How often the catalog's local repositories provider looks at localReposDir again
       * (it also looks on start and whenever ibias:catalog:register-local asks); default
       * 30 seconds.
       */
      localReposRefresh?: HumanDuration | string;
      /**
       * How often the work folders of finished, failed or cancelled tasks are removed from
       * backend.workingDirectory (and publish:local's staging folders from
       * localReposDir); it also runs on start. Default 30 seconds.
       */
      workFolderSweep?: HumanDuration | string;
      /**
       * The GitHub organisation new services are published to when a GitHub integration
       * token is configured.
       */
      githubOwner?: string;
      /**
       * The host of the GitHub integration to publish to: `github.com` (default) or a
       * GitHub Enterprise Server host listed under integrations.github.
       */
      githubHost?: string;
      verify?: {
        /** The npm binary the verification gate runs; default `npm` on PATH. */
        npmCommand?: string;
        /** Seconds the whole verification may take; default 300. */
        timeoutSeconds?: number;
      };
    };
  };
}
