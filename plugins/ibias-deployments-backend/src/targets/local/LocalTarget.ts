import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  serviceHealthChecks,
  serviceSmokeTests,
} from '@internal/ibias-service-runner';
import type {
  EnvironmentName,
  Health,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  ProbeResult,
  RunningRelease,
  TargetRef,
  TrafficHistory,
} from '@internal/plugin-ibias-deployments-node';
import { PrometheusMetrics } from '../PrometheusMetrics';
import { LoadGenerator, type LoadProfile } from './LoadGenerator';
import { instanceKey, ProcessSupervisor } from './ProcessSupervisor';
import { ReleaseBuilds } from './ReleaseBuilds';
import { prepareSampleRepository } from './sampleRepositories';
import {
  ServiceRepositories,
  type SampleRepository,
} from './ServiceRepositories';
import { TrafficRouter } from './TrafficRouter';

export type { LoadProfile } from './LoadGenerator';

export interface LocalRelease {
  /** Extra environment variables this release is started with (config's, not the code's). */
  env?: Record<string, string>;
}

export interface LocalTargetOptions {
  /**
   * ibias.scaffolder.localReposDir: the git repositories of services created in the
   * portal. `component:default/<name>` read by the catalog from
   * `<reposDir>/<name>/catalog-info.yaml` deploys that repository's release tags.
   */
  reposDir?: string;
  /**
   * The sample services (ibias.deployments.local.samples): `<servicesDir>/<name>` is
   * release 1.0.0 and `<releasesDir>/<name>/<version>.patch` each later release;
   * prepareSamples() makes them repositories under `<workDir>/sample-repos`.
   */
  samples?: { names: string[]; servicesDir: string; releasesDir: string };
  /**
   * Where the catalog read an entity from (TargetRef.locations), for calls whose ref does
   * not carry it: the engine's and the restore's.
   */
  locate?(entityRef: string): Promise<TargetRef['locations'] | undefined>;
  /** Scratch folder for builds, sample repositories and the process registry. */
  workDir: string;
  /**
   * name → version → extra settings of that release (ibias.deployments.local.releases),
   * for `component:default/<name>`, whatever its releases come from.
   */
  releases?: Record<string, Record<string, LocalRelease>>;
  load: Partial<Record<EnvironmentName, LoadProfile | undefined>>;
  /**
   * By service name: the request the analysis load sends instead of the environment's
   * (its rate stays the environment's), e.g. a sample's own API.
   */
  serviceLoad?: Record<string, Omit<LoadProfile, 'rps'>>;
  /** By service name: extra environment variables of every release (config's). */
  serviceEnv?: Record<string, Record<string, string>>;
  /**
   * Where a started service reports its AI usage: the portal's URL and the service's own
   * usage key (it reports for itself only; it gets no secret of the portal's).
   */
  usageReporting?: {
    portalUrl: string;
    keyFor(entityRef: string): string;
  };
  logger: LoggerService;
  npmCommand?: string;
  /**
   * Analysis from Prometheus instead of the router: the target writes every running
   * instance to `targetsFile` (as `prometheusTargetsFile` below) for Prometheus to
   * scrape, and queries `url`.
   */
  prometheus?: { url: string; targetsFile: string };
  /**
   * Where every running instance is written as a Prometheus file_sd target (labels
   * ibias_entity, ibias_service, ibias_environment, version), whatever analysis reads;
   * `prometheus.targetsFile` when not given.
   */
  prometheusTargetsFile?: string;
  /** Each probe, health and readiness request gives up after this long (default 5 s). */
  probeTimeoutMs?: number;
  /** The router answers 504 when an upstream takes longer than this (default 30 s). */
  upstreamTimeoutMs?: number;
  /** How long a started sample may take to answer /ready (default 30 s). */
  readyTimeoutMs?: number;
  /** How long each build command (npm ci, npm run build) may take (default 10 min). */
  buildTimeoutMs?: number;
}

/**
 * The embedded default target: each release of a service (a release tag of its git
 * repository: a service created in the portal, or a sample) is built from its tag
 * (ReleaseBuilds) and runs as a real process on loopback (ProcessSupervisor), behind a
 * TrafficRouter per service and environment that the deploy switches (blue-green,
 * rolling) or splits by weight (canary); a LoadGenerator sends traffic while analysing.
 */
export class LocalTarget implements DeployTarget {
  readonly name = 'local';
  private readonly routers = new Map<string, TrafficRouter>();
  private readonly builds: ReleaseBuilds;
  private readonly processes: ProcessSupervisor;
  private readonly loads: LoadGenerator;
  private readonly samples = new Map<string, SampleRepository>();
  private readonly repositories: ServiceRepositories;
  private readonly starting = new Map<string, Promise<void>>();
  /** Services and environments being brought back after a restart. */
  private readonly restoring = new Map<string, Promise<void>>();
  private readonly prometheus?: PrometheusMetrics;

  constructor(private readonly options: LocalTargetOptions) {
    this.builds = new ReleaseBuilds({
      dir: path.join(options.workDir, 'builds'),
      logger: options.logger,
      npmCommand: options.npmCommand,
      timeoutMs: options.buildTimeoutMs,
    });
    this.processes = new ProcessSupervisor({
      workDir: options.workDir,
      logger: options.logger,
      prometheusTargetsFile:
        options.prometheusTargetsFile ?? options.prometheus?.targetsFile,
      readyTimeoutMs: options.readyTimeoutMs,
      probeTimeoutMs: options.probeTimeoutMs,
    });
    this.loads = new LoadGenerator({
      requestTimeoutMs: options.probeTimeoutMs,
    });
    this.repositories = new ServiceRepositories({
      reposDir: options.reposDir,
      samples: this.samples,
      locate: options.locate,
    });
    if (options.prometheus) {
      this.prometheus = new PrometheusMetrics({
        url: options.prometheus.url,
        match: 'entity',
        timeoutMs: options.probeTimeoutMs,
      });
    }
  }

  /**
   * At the plugin's start: stops what a crashed backend left running, makes the samples'
   * repositories, then brings back what the database says runs (in the background: a
   * deploy of the same service and environment waits for it).
   */
  async start(running: RunningRelease[]) {
    await this.reapOrphans();
    await this.prepareSamples();
    for (const { ref, version } of running) {
      this.restore(ref, version).catch(e =>
        this.options.logger.warn(
          `Could not restore ${ref.entityRef} ${ref.environment}: ${e}`,
        ),
      );
    }
  }

  /** See ProcessSupervisor.reapOrphans. */
  reapOrphans() {
    return this.processes.reapOrphans();
  }

  /**
   * Makes (or reuses) the repository of every sample, once at start: a sample whose
   * patch does not apply is logged and refused with the reason; the others work.
   */
  async prepareSamples() {
    const samples = this.options.samples;
    for (const name of samples?.names ?? []) {
      try {
        const dir = await prepareSampleRepository(
          {
            name,
            source: path.join(samples!.servicesDir, name),
            patches: path.join(samples!.releasesDir, name),
          },
          path.join(this.options.workDir, 'sample-repos'),
        );
        this.samples.set(name, { dir });
      } catch (e) {
        const problem = e instanceof Error ? e.message : String(e);
        this.options.logger.error(`The sample ${name}: ${problem}`);
        this.samples.set(name, { problem });
      }
    }
  }

  async cannotDeploy(ref: TargetRef): Promise<string | undefined> {
    const source = await this.repositories.find(ref);
    return 'refused' in source ? source.refused : undefined;
  }

  /** The service's release tags, newest first, read from its repository on every call. */
  async versions(ref: TargetRef) {
    const source = await this.repositories.find(ref);
    return 'refused' in source ? [] : source.repository.releases();
  }

  /** Extra settings of a release from config (ibias.deployments.local.releases). */
  private releaseEnv(name: string, version: string) {
    const releases = this.options.releases ?? {};
    const of = Object.hasOwn(releases, name) ? releases[name] : {};
    return (Object.hasOwn(of, version) ? of[version].env : undefined) ?? {};
  }

  private async router(ref: TargetRef) {
    let router = this.routers.get(instanceKey(ref));
    if (!router) {
      router = new TrafficRouter({
        upstreamTimeoutMs: this.options.upstreamTimeoutMs,
      });
      this.routers.set(instanceKey(ref), router);
      await router.listen();
    }
    return router;
  }

  /** The router's address for a service and environment (undefined when none runs). */
  url(ref: TargetRef): string | undefined {
    const router = this.routers.get(instanceKey(ref));
    return router ? `http://127.0.0.1:${router.port}` : undefined;
  }

  /** Concurrent calls for the same version share one start (restore and recovery race). */
  async deploy(ref: TargetRef, version: string) {
    await this.restored(ref);
    return this.startShared(ref, version);
  }

  /**
   * Waits until what ran before a restart is back. A deploy that starts meanwhile (an
   * approval given right after the restart) must not have its traffic switched back by
   * the restore finishing after it: its analysis would then see no requests at all.
   */
  private async restored(ref: TargetRef) {
    await this.restoring.get(instanceKey(ref))?.catch(() => undefined);
  }

  private startShared(ref: TargetRef, version: string) {
    const k = `${instanceKey(ref)}@${version}`;
    let start = this.starting.get(k);
    if (!start) {
      start = this.startRelease(ref, version).finally(() =>
        this.starting.delete(k),
      );
      this.starting.set(k, start);
    }
    return start;
  }

  private async startRelease(ref: TargetRef, version: string) {
    const source = await this.repositories.find(ref);
    if ('refused' in source) throw new InputError(source.refused);
    const commit = await source.repository.commitOf(version);
    if (!commit) {
      const known = await source.repository.releases();
      throw new InputError(
        `${ref.service} has no release ${version.slice(0, 100)}; known: ${
          known.join(', ') ||
          'none (tag a commit, e.g. git tag 1.0.0, and push it)'
        }`,
      );
    }
    const existing = this.processes.instance(ref, version);
    if (existing && existing.child.exitCode === null) return;
    const build = await this.builds.build(
      source.name,
      source.repository,
      version,
      commit,
    );
    await this.processes.start(ref, {
      version,
      commit,
      dir: build.dir,
      entry: build.entry,
      env: {
        NODE_ENV: ref.environment,
        SERVICE_VERSION: version,
        GIT_COMMIT: commit,
        NEXT_TELEMETRY_DISABLED: '1',
        // The router is one client: the per-client limit would throttle all traffic.
        RATE_LIMIT_MAX: '100000000',
        LOG_LEVEL: 'error',
        IBIAS_ENTITY_REF: ref.entityRef,
        ...(this.options.usageReporting
          ? {
              IBIAS_PORTAL_URL: this.options.usageReporting.portalUrl,
              IBIAS_AI_USAGE_KEY: this.options.usageReporting.keyFor(
                ref.entityRef,
              ),
            }
          : {}),
        ...(Object.hasOwn(this.options.serviceEnv ?? {}, source.name)
          ? this.options.serviceEnv![source.name]
          : {}),
        ...this.releaseEnv(source.name, version),
      },
    });
  }

  private baseUrl(ref: TargetRef, version: string) {
    const instance = this.processes.instance(ref, version);
    if (!instance) throw new Error(`${ref.service}@${version} is not running`);
    return `http://127.0.0.1:${instance.port}`;
  }

  /** The IBIAS service probe's health checks: /health as this version, /ready. */
  async healthChecks(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    return serviceHealthChecks(this.baseUrl(ref, version), {
      version,
      timeoutMs: this.options.probeTimeoutMs,
    });
  }

  /**
   * The IBIAS service probe's smoke tests (the verification gate's checks): metrics and
   * the security headers. Probes and metrics only: analysis checks behaviour.
   */
  async smokeTests(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    return serviceSmokeTests(this.baseUrl(ref, version), {
      timeoutMs: this.options.probeTimeoutMs,
    });
  }

  async setTraffic(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ) {
    await this.restored(ref);
    await this.route(ref, version, weight, stable);
  }

  private async route(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ) {
    const router = await this.router(ref);
    const upstreams = [
      { version, port: this.processes.instance(ref, version)!.port, weight },
    ];
    const old =
      stable && stable !== version
        ? this.processes.instance(ref, stable)
        : undefined;
    if (old && weight < 100) {
      upstreams.push({
        version: stable!,
        port: old.port,
        weight: 100 - weight,
      });
    }
    router.route(upstreams);
  }

  async metrics(ref: TargetRef, version: string, sinceMs: number) {
    if (this.prometheus) return this.prometheus.metrics(ref, version, sinceMs);
    const router = await this.router(ref);
    return {
      ...router.metrics(version, sinceMs),
      query: `router ${ref.entityRef} ${
        ref.environment
      }: requests to ${version} since ${new Date(
        sinceMs,
      ).toISOString()}, 5xx as errors, p95 latency`,
      source: 'local-router' as const,
    };
  }

  async setLoad(ref: TargetRef, on: boolean) {
    this.loads.stop(ref);
    const base = this.options.load[ref.environment];
    if (!on || !base || base.rps <= 0) return;
    const own = this.options.serviceLoad ?? {};
    const profile = Object.hasOwn(own, ref.service)
      ? { ...own[ref.service], rps: base.rps }
      : base;
    const router = await this.router(ref);
    this.loads.start(ref, `http://127.0.0.1:${router.port}`, profile);
  }

  async retain(ref: TargetRef, keep: string | null) {
    await this.processes.retain(ref, keep);
  }

  /** GET /health through the router (what callers get); `starting` while restoring. */
  async health(ref: TargetRef): Promise<Health> {
    if (this.restoring.has(instanceKey(ref))) return 'starting';
    const url = this.url(ref);
    if (!url) return 'unknown';
    const ok = await fetch(`${url}/health`, {
      signal: AbortSignal.timeout(this.options.probeTimeoutMs ?? 5_000),
    }).then(
      async res => {
        await res.arrayBuffer().catch(() => undefined);
        return res.ok;
      },
      () => false,
    );
    return ok ? 'healthy' : 'unhealthy';
  }

  /** The running versions and where each answers directly (bypassing the router). */
  endpoints(ref: TargetRef): Array<{ version: string; url: string }> {
    return this.processes.list(ref).map(i => ({
      version: i.version,
      url: `http://127.0.0.1:${i.port}`,
    }));
  }

  /** Prometheus, when analysis reads it; the rest of this target runs in-process. */
  async dependencies() {
    return this.prometheus ? [await this.prometheus.health()] : [];
  }

  async traffic(ref: TargetRef) {
    return this.routers.get(instanceKey(ref))?.weights() ?? {};
  }

  /** The router's records (never starts a router for a service that has none). */
  async trafficHistory(
    ref: TargetRef,
    range: { fromMs: number; toMs: number; stepMs: number },
  ): Promise<TrafficHistory | undefined> {
    const router = this.routers.get(instanceKey(ref));
    if (!router) return undefined;
    return {
      source:
        "the local target's traffic router: every request it forwarded since the " +
        'portal started (the last 20,000 per version, in memory), health probes and ' +
        'scrapes left out; latency is measured at the router, 5xx or no answer counts ' +
        'as an error',
      ...router.history(range),
    };
  }

  /** Brings up what the database says runs (after a restart), at full traffic. */
  async restore(ref: TargetRef, version: string) {
    const key = instanceKey(ref);
    const restore = (async () => {
      await this.startShared(ref, version);
      await this.route(ref, version, 100, null);
    })();
    this.restoring.set(key, restore);
    try {
      await restore;
    } finally {
      this.restoring.delete(key);
    }
  }

  async stop() {
    this.loads.stopAll();
    await this.processes.stopAll();
    await Promise.all([...this.routers.values()].map(r => r.close()));
    this.routers.clear();
  }
}
