import type { HumanDuration } from '@backstage/types';

export interface Config {
  ibias?: {
    deployments?: {
      /** Canary traffic steps in percent, rising, ending at 100. Default [10, 50, 100]. */
      canaryWeights?: number[];
      /**
       * Folders from which environments files of entities defined in `file` locations may
       * be read (the annotation ibias.io/environments). Default: none.
       */
      fileRoots?: string[];
      /**
       * Defaults per environment, shaped like the environments file: a service's file
       * overrides them field by field.
       */
      environmentDefaults?: {
        [environment: string]: object;
      };
      /**
       * Members of this group approve production deployments and production rollbacks,
       * and are notified of every break-glass rollback (one that skipped approval). A group
       * ref; kind and namespace default to group and default. Default
       * group:default/release-managers.
       */
      releaseManagers?: string;
      /**
       * How long things may take before they count as failed (durations:
       * `{ seconds: 5 }`, '5s', 'PT5S').
       */
      timeouts?: {
        /**
         * One target call of an engine step (deploy with its build, probes, traffic,
         * metrics, cleanup, restoring the previous version): past it the step fails, the
         * deployment rolls back and the lock is freed. Default 10 minutes.
         */
        step?: HumanDuration | string;
        /** Each health, readiness, smoke and load request, and each Prometheus query. Default 5 s. */
        probe?: HumanDuration | string;
        /** An upstream behind the local router: past it the client gets a 504. Default 30 s. */
        upstream?: HumanDuration | string;
        /** How long a started sample may take to answer /ready. Default 30 s. */
        ready?: HumanDuration | string;
        /** Each Kubernetes API request of the kubernetes target. Default 30 s. */
        kubernetesRequest?: HumanDuration | string;
      };
      /**
       * Ownership of work in flight (durations: `{ seconds: 10 }`, '10s', 'PT10S'). The
       * engine running a deployment beats a heartbeat in the database; a sweep on every
       * replica takes over a queued or running deployment whose heartbeat is older than
       * the lease (starts it, or rolls it back and frees its lock).
       */
      ownership?: {
        /** How often the running engine beats the heartbeat. Default 10 s. */
        heartbeat?: HumanDuration | string;
        /** Without a heartbeat for this long a deployment is abandoned; at least two heartbeats. Default 30 s. */
        lease?: HumanDuration | string;
        /** How often each replica sweeps for abandoned deployments. Default 15 s. */
        sweepInterval?: HumanDuration | string;
        /** How long a write of a deploy waits out an unreachable database before it gives the deployment up to the sweep. Default 5 minutes. */
        databaseRetry?: HumanDuration | string;
      };
      /** Minutes a production deployment waits for approval, 1 to 10080. Default 60. */
      approvalTtlMinutes?: number;
      environments?: {
        [environment: string]: {
          /** Rollback triggers and analysis windows (defaults: the seed's 5 % and 2000 ms). */
          analysis?: {
            errorRate?: number;
            p95LatencyMs?: number;
            intervalSeconds?: number;
            intervals?: number;
            consecutiveBreaches?: number;
            minSamples?: number;
          };
          /**
           * Which deploy target deploys this environment, by name: `local` (default),
           * `kubernetes`, or one a backend module adds through
           * ibiasDeploymentTargetsExtensionPoint (@internal/plugin-ibias-deployments-node).
           */
          target?: string;
          /**
           * Services deployed by another target than this environment's `target`: full
           * entity ref (kind:namespace/name, letter case ignored) → target name, e.g.
           * `component:default/ibias-web: vercel`. Same names as `target`; a name
           * nobody installed stops the start. Services not listed use `target`.
           */
          targetsByService?: {
            [entityRef: string]: string;
          };
          /** Generated traffic during analysis (as Flagger's load tester). */
          load?: {
            rps: number;
            method?: string;
            path?: string;
            body?: string;
          };
        };
      };
      /**
       * The kubernetes target (for environments whose `target` is kubernetes): the cluster
       * is one of the Kubernetes plugin's (kubernetes.clusterLocatorMethods, with a
       * serviceAccountToken); images are `<imageRepository>/<service>:<version>`.
       */
      kubernetes?: {
        cluster: string;
        namespace?: string;
        imageRepository: string;
        replicas?: number;
      };
      /** Where analysis reads metrics: the local router (default) or Prometheus. */
      metrics?: {
        source?: 'local-router' | 'prometheus';
        prometheus?: {
          /** Prometheus' base URL, e.g. http://127.0.0.1:9090. Needed when source is prometheus. */
          url?: string;
          /**
           * The file_sd file the local target writes its instances to, whenever it is set
           * (whatever the source), for a Prometheus to scrape. Needed when source is
           * prometheus.
           */
          targetsFile?: string;
        };
      };
      /**
       * The local target: each release (a release tag of the service's git repository)
       * is built from its tag and runs as a loopback process behind a router. Services
       * created in the portal (`component:default/<name>` read from
       * `<ibias.scaffolder.localReposDir>/<name>/catalog-info.yaml`) deploy their own
       * repository's tags; the samples below deploy a repository the plugin makes.
       */
      local?: {
        /** Where the samples' sources are (`<servicesDir>/<name>`). Default ../../services. */
        servicesDir?: string;
        /**
         * Where each sample's later releases are: `<releasesDir>/<name>/<version>.patch`,
         * applied in release order on top of the sample's folder (release 1.0.0).
         * Default `<servicesDir>/releases`.
         */
        releasesDir?: string;
        /** Scratch folder: builds by commit, the samples' repositories, the process registry. */
        workDir?: string;
        /**
         * The sample services, by name (`component:default/<name>`): at start each becomes
         * a git repository `<workDir>/sample-repos/<name>` tagged 1.0.0 (the folder as its
         * template renders it) and one tag per patch in releasesDir. Without this key the
         * names of `releases` are the samples (as before this key existed).
         */
        samples?: {
          [name: string]: {
            /**
             * The request the analysis load sends to this sample instead of the
             * environment's (the rate stays the environment's), e.g. its AI route.
             */
            load?: { method?: string; path: string; body?: string };
            /** Extra environment variables of every release of this sample. */
            env?: { [name: string]: string };
          };
        };
        /**
         * Extra environment variables per release of any service the local target deploys
         * (`component:default/<name>`); which releases exist is the repository's tags.
         */
        releases?: {
          [service: string]: Array<{
            version: string;
            env?: { [name: string]: string };
          }>;
        };
      };
    };
  };
}
