import type {
  DependencyCheck,
  EnvironmentName,
  Health,
  IntervalMetrics,
  Strategy,
} from '@internal/plugin-ibias-deployments-common';

/** Which service, environment and version a target acts on. */
export interface TargetRef {
  /** The catalog entity name, e.g. `ibias-api`. Never a key on its own: see entityRef. */
  service: string;
  /**
   * The catalog's normalised (lowercase) entity ref: what targets key routers, processes
   * and objects by, so two entities with one name never share them.
   */
  entityRef: string;
  environment: EnvironmentName;
  /**
   * Where the entity was read from (`backstage.io/managed-by-location`) and where its
   * source lives (`backstage.io/source-location`), as the catalog says: set when the
   * caller has the entity (deploy requests, version lists), absent when the engine
   * rebuilds a ref from a stored deployment. Only the catalog sets managed-by-location;
   * source-location is the catalog's default, which an entity's own annotation
   * overrides, so it is the entity author's claim: never a reason to run code from a
   * repository the author does not own.
   */
  locations?: { managedBy?: string; source?: string };
}

export interface ProbeResult {
  passed: boolean;
  /** What was asked (e.g. `GET /health`). */
  query: string;
  detail: string;
}

/** A version the database says takes the traffic of a service in an environment. */
export interface RunningRelease {
  ref: TargetRef;
  version: string;
}

/** What one version served in the step that ends at `at` (epoch ms): (at − step, at]. */
export interface TrafficHistoryPoint {
  at: number;
  requests: number;
  /** Answered 5xx, or not at all. */
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/**
 * A target's own records of what each version served (the local target's traffic
 * router), for services no Prometheus watches. Health probes and scrapes left out.
 */
export interface TrafficHistory {
  /** What the records are, in words (shown next to the charts). */
  source: string;
  /** Records begin here (epoch ms): earlier steps are unknown, not idle. */
  coverageFromMs: number;
  versions: Array<{
    version: string;
    points: TrafficHistoryPoint[];
    /** Over the whole range. */
    total: TrafficHistoryPoint;
  }>;
}

/**
 * Where deployments happen. The engine drives it step by step; every method is safe to
 * call again after a crash (idempotent by version).
 */
export interface DeployTarget {
  readonly name: string;
  /**
   * Why this target can never deploy the entity (e.g. the local target deploys only
   * component:default/<name> with a repository or a sample), or undefined when it can.
   */
  cannotDeploy?(
    ref: TargetRef,
  ): string | undefined | Promise<string | undefined>;
  /**
   * Why this target cannot deploy the service in this environment with this strategy
   * (e.g. a platform that cannot split traffic refuses canary and rolling), or
   * undefined: asked before a deployment is created, so nothing is built first.
   */
  refusesStrategy?(ref: TargetRef, strategy: Strategy): string | undefined;
  /** Whether this target can deploy the service at all (and which versions). */
  versions(ref: TargetRef): Promise<string[]>;
  /** Brings the version up next to the live one, taking no traffic. */
  deploy(ref: TargetRef, version: string): Promise<void>;
  /** Health checks against the new version directly. */
  healthChecks(ref: TargetRef, version: string): Promise<ProbeResult[]>;
  /** Smoke tests against the new version directly. */
  smokeTests(ref: TargetRef, version: string): Promise<ProbeResult[]>;
  /**
   * The name of the target that acts on a service in an environment, when this target
   * sends each to another (the plugin's per-environment and per-service routing).
   */
  nameFor?(ref: Pick<TargetRef, 'environment' | 'entityRef'>): string;
  /**
   * Sends `weight` percent of traffic to `version`, the rest to `stable` (null when
   * nothing ran before).
   */
  setTraffic(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ): Promise<void>;
  /**
   * What the new version served since `sinceMs` (epoch ms). When the metrics source does
   * not answer (Prometheus down or slow), a target says so with no requests and a
   * `detail`, rather than throwing: the interval is inconclusive, and an analysis without
   * data never promotes.
   */
  metrics(
    ref: TargetRef,
    version: string,
    sinceMs: number,
  ): Promise<
    IntervalMetrics & {
      query: string;
      /**
       * Where the numbers come from: `local-router` (the local target's router timed
       * every request), `prometheus`, or `target-probe`: requests the target itself
       * sent and timed, e.g. the Vercel target's load against a deployment's URL; or
       * `log-drain`: the error rate of real callers from the platform's request logs
       * (Vercel log drains), the p95 from the target's own timed load.
       */
      source: 'local-router' | 'prometheus' | 'target-probe' | 'log-drain';
      /** Why the interval has no data, when its source did not answer. */
      detail?: string;
    }
  >;
  /** Starts or stops generated traffic for analysis (when the environment asks for it). */
  setLoad(ref: TargetRef, on: boolean): Promise<void>;
  /** Removes every version of the service in the environment except `keep`. */
  retain(ref: TargetRef, keep: string | null): Promise<void>;
  /** Where the environment's traffic enters (for people and load tests), if known. */
  url?(ref: TargetRef): string | undefined;
  /** Whether what takes the traffic answers healthily now. */
  health?(ref: TargetRef): Promise<Health>;
  /**
   * Whether what the target itself depends on answers now (Prometheus, a cluster's API
   * server), each named without the target's name (the plugin prefixes it). Fixed
   * phrases only in `detail`: the health endpoint needs no token.
   */
  dependencies?(): Promise<DependencyCheck[]>;
  /** The running versions and where each answers directly, if the target knows. */
  endpoints?(ref: TargetRef): Array<{ version: string; url: string }>;
  /**
   * The target's own per-version records over a range, on the grid `fromMs + k·stepMs`,
   * or undefined when it keeps none for the service (nothing routed there since start).
   */
  trafficHistory?(
    ref: TargetRef,
    range: { fromMs: number; toMs: number; stepMs: number },
  ): Promise<TrafficHistory | undefined>;
  /** What takes traffic now: version → weight. */
  traffic(ref: TargetRef): Promise<Record<string, number>>;
  /**
   * Called once when the plugin starts, before interrupted deployments are recovered,
   * with what the database says this target runs (its environments' releases, less the
   * services `targetsByService` sends elsewhere, plus those it sends here): a target whose
   * releases do not survive a restart (the local target's processes) brings them back.
   */
  start?(running: RunningRelease[]): Promise<void>;
  /** Called once when the backend shuts down. */
  stop?(): Promise<void>;
}

/**
 * Makes a target once the plugin knows which environments use it: the plugin calls
 * `create` only when at least one `ibias.deployments.environments.<env>.target` (or
 * `targetsByService` entry) names it, so an unused target needs no configuration.
 */
/**
 * A service's settings for one environment, from its environments file (annotation
 * `ibias.io/environments`, over `ibias.deployments.environmentDefaults`), read and
 * validated as the Configuration card shows it (secret references masked); undefined
 * when the entity, the file or that environment is missing or invalid. The file lives in
 * the service's repository, so its owners write it: a target may take choices from it
 * (which project of several), never trust decisions (which projects at all).
 */
export type EnvironmentSettingsLookup = (
  ref: Pick<TargetRef, 'entityRef' | 'environment'>,
) => Promise<Record<string, unknown> | undefined>;

export interface DeployTargetFactory {
  /** What `ibias.deployments.environments.<env>.target` says to choose this target. */
  readonly name: string;
  create(context: {
    /** The environments whose `target`, or a `targetsByService` entry of which, names this one. */
    environments: EnvironmentName[];
    /** Reads a service's environments file (see EnvironmentSettingsLookup). */
    environmentSettings?: EnvironmentSettingsLookup;
  }): DeployTarget | Promise<DeployTarget>;
}
