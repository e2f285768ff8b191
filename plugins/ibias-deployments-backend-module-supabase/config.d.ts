export interface Config {
  ibias?: {
    deployments?: {
      /**
       * The Supabase Edge Functions deploy target
       * (`ibias.deployments.environments.<env>.target: supabase`).
       */
      supabase?: {
        /**
         * A Supabase access token (`sbp_…`) allowed to deploy and delete the functions below.
         * @visibility secret
         */
        token: string;
        /** The Management API; default https://api.supabase.com. */
        apiUrl?: string;
        /**
         * Where a project's functions are invoked, with `{ref}` for the project ref;
         * default https://{ref}.supabase.co. Tests point it at a loopback.
         */
        functionsUrl?: string;
        /** The edge function of each service, by catalog entity name. */
        projects: {
          [service: string]: {
            /** The function's slug, e.g. `ai-recommendations`. */
            slug: string;
            /**
             * The Supabase project ref of each environment, when the service's
             * environments file does not name one (`<env>.supabase.projectRef`).
             */
            refs?: {
              development?: string;
              staging?: string;
              production?: string;
            };
            /**
             * Per environment, the project refs the service's environments file may name
             * (`<env>.supabase.projectRef`). The file is written by the service's owners:
             * a ref not listed for that environment (or its `refs` entry) is refused, so
             * no file can point the portal's token at another project, nor staging at
             * production's.
             */
            allowedRefs?: {
              development?: string[];
              staging?: string[];
              production?: string[];
            };
            /**
             * Version folders on the portal's disk: `<sourceDir>/<version>/index.ts` etc.
             * (or `source`).
             */
            sourceDir?: string;
            /**
             * The function's folder in the service's repository, read at each release
             * tag (`1.2.0` or `v1.2.0`) through the GitHub integration: the versions are
             * the repository's release tags (or `sourceDir`).
             */
            source?: {
              /** e.g. `supabase/functions/ai-recommendations`. */
              path: string;
              /**
               * The repository's URL, e.g. https://github.com/ibias/ibias (from config:
               * an entity's own source-location annotation is the author's to set).
               */
              repository: string;
            };
          };
        };
      };
    };
  };
}
