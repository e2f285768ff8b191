import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  isSameProcess,
  processIdentity,
  untrustedEnv,
  type ProcessIdentity,
} from '@internal/ibias-service-runner';
import type {
  EnvironmentName,
  Health,
} from '@internal/plugin-ibias-deployments-common';
import type { DeployTarget, ProbeResult, TargetRef } from '../types';
import { PrometheusMetrics } from '../PrometheusMetrics';
import { freePort } from '@internal/ibias-service-runner';
import { ReleaseBuilds } from './ReleaseBuilds';
import { prepareSampleRepository } from './sampleRepositories';
import {
  ServiceRepositories,
  type SampleRepository,
} from './ServiceRepositories';
import { TrafficRouter } from './TrafficRouter';

export interface LocalRelease {
  /** Extra environment variables this release is started with (config's, not the code's). */
  env?: Record<string, string>;
}

export interface LoadProfile {
  /** Requests per second sent through the router while analysing. */
  rps: number;
  method: string;
  path: string;
  body?: string;
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
  logger: LoggerService;
  npmCommand?: string;
  /**
   * Analysis from Prometheus instead of the router: the target writes every running
   * instance to `targetsFile` (file_sd, labels ibias_service, ibias_environment, version)
   * for Prometheus to scrape, and queries `url`.
   */
  prometheus?: { url: string; targetsFile: string };
  /** Each probe, health and readiness request gives up after this long (default 5 s). */
  probeTimeoutMs?: number;
  /** The router answers 504 when an upstream takes longer than this (default 30 s). */
  upstreamTimeoutMs?: number;
  /** How long a started sample may take to answer /ready (default 30 s). */
  readyTimeoutMs?: number;
  /** How long each build command (npm ci, npm run build) may take (default 10 min). */
  buildTimeoutMs?: number;
}

interface Instance {
  version: string;
  /** The commit the release tag named when this instance was built. */
  commit: string;
  port: number;
  child: ChildProcess;
  /** Who the process is beyond its pid (undefined if it exited before we could tell). */
  identity?: ProcessIdentity;
}

/** One running sample in the registry file, for reaping after a crash. */
interface RegistryEntry {
  entityRef: string;
  environment: string;
  version: string;
  identity: ProcessIdentity;
}

/**
 * The embedded default target: each release of a service (a release tag of its git
 * repository: a service created in the portal, or a sample) is built from its tag and
 * runs as a real process on loopback, behind a TrafficRouter per service and environment
 * that the deploy switches (blue-green, rolling) or splits by weight (canary).
 */
export class LocalTarget implements DeployTarget {
  readonly name = 'local';
  private readonly routers = new Map<string, TrafficRouter>();
  private readonly instances = new Map<string, Instance[]>();
  private readonly builds: ReleaseBuilds;
  private readonly samples = new Map<string, SampleRepository>();
  private readonly repositories: ServiceRepositories;
  private readonly loads = new Map<string, NodeJS.Timeout>();
  private readonly starting = new Map<string, Promise<void>>();
  /** Services and environments being brought back after a restart. */
  private readonly restoring = new Map<string, Promise<void>>();
  private readonly registry: string;
  private readonly prometheus?: PrometheusMetrics;

  constructor(private readonly options: LocalTargetOptions) {
    this.registry = path.join(options.workDir, 'processes.json');
    this.builds = new ReleaseBuilds({
      dir: path.join(options.workDir, 'builds'),
      logger: options.logger,
      npmCommand: options.npmCommand,
      timeoutMs: options.buildTimeoutMs,
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
   * Kills processes a previous backend left behind (after a crash), so no environment
   * keeps a version the database does not know about: only those provably ours (same
   * boot, same start time as recorded). Bare pids (the old format), malformed entries and
   * processes that are someone else's now (a reused pid) are never touched.
   */
  async reapOrphans() {
    let entries: unknown;
    try {
      entries = JSON.parse(await fs.readFile(this.registry, 'utf8'));
    } catch {
      return;
    }
    for (const entry of Array.isArray(entries) ? entries : []) {
      const identity = (entry as Partial<RegistryEntry> | null)?.identity;
      if (!(await isSameProcess(identity))) {
        this.options.logger.info(
          `Not reaping ${JSON.stringify(
            entry,
          )}: not provably a process this portal started`,
        );
        continue;
      }
      try {
        process.kill(identity!.pid, 'SIGKILL');
        this.options.logger.info(
          `Stopped orphaned sample process ${identity!.pid}`,
        );
      } catch {
        // already gone
      }
    }
    await this.saveRegistry();
  }

  private async saveRegistry() {
    const entries: RegistryEntry[] = [...this.instances.entries()].flatMap(
      ([key, list]) => {
        const { entityRef, environment } = this.unkey(key);
        return list.flatMap(i =>
          i.identity
            ? [
                {
                  entityRef,
                  environment,
                  version: i.version,
                  identity: i.identity,
                },
              ]
            : [],
        );
      },
    );
    await fs.mkdir(this.options.workDir, { recursive: true });
    await fs.writeFile(this.registry, JSON.stringify(entries));
    if (this.options.prometheus) {
      const targets = [...this.instances.entries()].flatMap(([key, list]) => {
        const { entityRef, environment } = this.unkey(key);
        return list.map(i => ({
          targets: [`127.0.0.1:${i.port}`],
          labels: {
            ibias_entity: entityRef,
            ibias_service: parseEntityRef(entityRef).name,
            ibias_environment: environment,
            version: i.version,
          },
        }));
      });
      const file = this.options.prometheus.targetsFile;
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Written whole and renamed, so Prometheus never reads half a file.
      await fs.writeFile(`${file}.tmp`, JSON.stringify(targets, null, 2));
      await fs.rename(`${file}.tmp`, file);
    }
  }

  /**
   * Routers, instances, loads and the registry are keyed by the normalised entity ref
   * and the environment, never by the name: `resource:default/x` or
   * `component:other/x` never reach `component:default/x`'s router or processes.
   */
  private key(ref: TargetRef) {
    return `${ref.entityRef.toLocaleLowerCase('en-US')}#${ref.environment}`;
  }

  private unkey(key: string) {
    const i = key.lastIndexOf('#');
    return { entityRef: key.slice(0, i), environment: key.slice(i + 1) };
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
    let router = this.routers.get(this.key(ref));
    if (!router) {
      router = new TrafficRouter({
        upstreamTimeoutMs: this.options.upstreamTimeoutMs,
      });
      this.routers.set(this.key(ref), router);
      await router.listen();
    }
    return router;
  }

  /** The router's address for a service and environment (undefined when none runs). */
  url(ref: TargetRef): string | undefined {
    const router = this.routers.get(this.key(ref));
    return router ? `http://127.0.0.1:${router.port}` : undefined;
  }

  private instance(ref: TargetRef, version: string) {
    return this.instances.get(this.key(ref))?.find(i => i.version === version);
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
    await this.restoring.get(this.key(ref))?.catch(() => undefined);
  }

  private startShared(ref: TargetRef, version: string) {
    const k = `${this.key(ref)}@${version}`;
    let start = this.starting.get(k);
    if (!start) {
      start = this.start(ref, version).finally(() => this.starting.delete(k));
      this.starting.set(k, start);
    }
    return start;
  }

  private async start(ref: TargetRef, version: string) {
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
    const existing = this.instance(ref, version);
    if (existing && existing.child.exitCode === null) return;
    const build = await this.builds.build(
      source.name,
      source.repository,
      version,
      commit,
    );
    const port = await freePort();
    // A release is code the portal did not write: none of the portal's secrets.
    const child = spawn(process.execPath, [build.entry], {
      cwd: build.dir,
      env: untrustedEnv({
        PORT: String(port),
        NODE_ENV: ref.environment,
        SERVICE_VERSION: version,
        GIT_COMMIT: commit,
        NEXT_TELEMETRY_DISABLED: '1',
        // The router is one client: the per-client limit would throttle all traffic.
        RATE_LIMIT_MAX: '100000000',
        LOG_LEVEL: 'error',
        ...this.releaseEnv(source.name, version),
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const identity =
      child.pid === undefined ? undefined : await processIdentity(child.pid);
    child.stderr?.on('data', d =>
      this.options.logger.warn(
        `${ref.service}@${version}: ${String(d).trim()}`,
      ),
    );
    const list = this.instances.get(this.key(ref)) ?? [];
    this.instances.set(this.key(ref), [
      ...list.filter(i => i.version !== version),
      { version, commit, port, child, identity },
    ]);
    await this.saveRegistry();
    const readyMs = this.options.readyTimeoutMs ?? 30_000;
    const deadline = Date.now() + readyMs;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `${ref.service}@${version} exited with code ${child.exitCode}`,
        );
      }
      const ready = await fetch(`http://127.0.0.1:${port}/ready`, {
        signal: this.probeSignal(),
      }).then(
        async r => {
          await r.arrayBuffer().catch(() => undefined);
          return r.ok;
        },
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${ref.service}@${version} was not ready within ${Math.round(
            readyMs / 1000,
          )} s`,
        );
      }
      await new Promise(r => setTimeout(r, 200));
    }
  }

  /** Every probe gives up after probeTimeoutMs: a hung sample fails its check. */
  private probeSignal() {
    return AbortSignal.timeout(this.options.probeTimeoutMs ?? 5_000);
  }

  /** A probe's answer and body, or undefined when it failed or timed out. */
  private async probe(url: string) {
    try {
      const signal = this.probeSignal();
      const res = await fetch(url, { signal });
      return { res, text: await res.text() };
    } catch {
      return undefined;
    }
  }

  private baseUrl(ref: TargetRef, version: string) {
    const instance = this.instance(ref, version);
    if (!instance) throw new Error(`${ref.service}@${version} is not running`);
    return `http://127.0.0.1:${instance.port}`;
  }

  async healthChecks(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    const base = this.baseUrl(ref, version);
    const health = await this.probe(`${base}/health`);
    let body: { version?: string } = {};
    try {
      body = JSON.parse(health?.text ?? '{}');
    } catch {
      // not JSON: the version check fails below
    }
    const ready = await this.probe(`${base}/ready`);
    return [
      {
        query: 'GET /health',
        passed: health?.res.status === 200 && body?.version === version,
        detail: health
          ? `${health.res.status}, version ${body?.version ?? 'missing'}`
          : 'no answer',
      },
      {
        query: 'GET /ready',
        passed: ready?.res.status === 200,
        detail: ready ? String(ready.res.status) : 'no answer',
      },
    ];
  }

  async smokeTests(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    const base = this.baseUrl(ref, version);
    const metrics = await this.probe(`${base}/metrics`);
    // Probes and metrics only: smoke tests check the wiring, analysis checks behaviour.
    const health = await this.probe(`${base}/health`);
    const header = (name: string) => health?.res.headers.get(name);
    return [
      {
        query: 'GET /metrics',
        passed:
          metrics?.res.status === 200 &&
          metrics.text.includes('http_request_duration_seconds'),
        detail: metrics ? `${metrics.res.status}` : 'no answer',
      },
      {
        query: 'GET /health → security headers',
        passed:
          header('x-frame-options') === 'DENY' &&
          Boolean(header('content-security-policy')) &&
          Boolean(header('strict-transport-security')),
        detail: health
          ? `X-Frame-Options ${header('x-frame-options')}, CSP ${
              header('content-security-policy') ? 'set' : 'missing'
            }`
          : 'no answer',
      },
    ];
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
      { version, port: this.instance(ref, version)!.port, weight },
    ];
    const old =
      stable && stable !== version ? this.instance(ref, stable) : undefined;
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
    const k = this.key(ref);
    clearInterval(this.loads.get(k));
    this.loads.delete(k);
    const profile = this.options.load[ref.environment];
    if (!on || !profile || profile.rps <= 0) return;
    const router = await this.router(ref);
    const url = `http://127.0.0.1:${router.port}${profile.path}`;
    const timer = setInterval(() => {
      fetch(url, {
        method: profile.method,
        headers: profile.body ? { 'Content-Type': 'application/json' } : {},
        body: profile.body,
        signal: this.probeSignal(),
      })
        .then(r => r.arrayBuffer())
        .catch(() => undefined);
    }, Math.max(5, Math.round(1000 / profile.rps)));
    timer.unref();
    this.loads.set(k, timer);
  }

  async retain(ref: TargetRef, keep: string | null) {
    const list = this.instances.get(this.key(ref)) ?? [];
    for (const i of list) {
      if (i.version !== keep) i.child.kill('SIGTERM');
    }
    this.instances.set(
      this.key(ref),
      list.filter(i => i.version === keep),
    );
    await this.saveRegistry();
  }

  /** GET /health through the router (what callers get); `starting` while restoring. */
  async health(ref: TargetRef): Promise<Health> {
    if (this.restoring.has(this.key(ref))) return 'starting';
    const url = this.url(ref);
    if (!url) return 'unknown';
    const probe = await this.probe(`${url}/health`);
    return probe?.res.ok ? 'healthy' : 'unhealthy';
  }

  /** The running versions and where each answers directly (bypassing the router). */
  endpoints(ref: TargetRef): Array<{ version: string; url: string }> {
    return (this.instances.get(this.key(ref)) ?? []).map(i => ({
      version: i.version,
      url: `http://127.0.0.1:${i.port}`,
    }));
  }

  async traffic(ref: TargetRef) {
    return this.routers.get(this.key(ref))?.weights() ?? {};
  }

  /** Brings up what the database says runs (after a restart), at full traffic. */
  async restore(ref: TargetRef, version: string) {
    const key = this.key(ref);
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
    for (const t of this.loads.values()) clearInterval(t);
    for (const list of this.instances.values()) {
      for (const i of list) i.child.kill('SIGTERM');
    }
    this.instances.clear();
    await Promise.all([...this.routers.values()].map(r => r.close()));
    this.routers.clear();
    await this.saveRegistry().catch(() => undefined);
  }
}
