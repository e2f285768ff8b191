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
       * catalog accepts `file` locations inside localReposDir). On for the embedded
       * default, off in production.
       */
      localPublishing?: boolean;
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
