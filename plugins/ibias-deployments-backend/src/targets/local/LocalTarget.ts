import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  EnvironmentName,
  Health,
} from '@internal/plugin-ibias-deployments-common';
import type { DeployTarget, ProbeResult, TargetRef } from '../types';
import { PrometheusMetrics } from '../PrometheusMetrics';
import { freePort } from './freePort';
import { TrafficRouter } from './TrafficRouter';

export interface LocalRelease {
  /** Extra environment variables of this release (e.g. FAULT_RATE for 1.2.0). */
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
  /** Folder holding the sample services (services/<name>). */
  servicesDir: string;
  /** Scratch folder for builds and the process registry. */
  workDir: string;
  /** service → version → release. */
  releases: Record<string, Record<string, LocalRelease>>;
  load: Partial<Record<EnvironmentName, LoadProfile | undefined>>;
  logger: LoggerService;
  npmCommand?: string;
  /**
   * Analysis from Prometheus instead of the router: the target writes every running
   * instance to `targetsFile` (file_sd, labels ibias_service, ibias_environment, version)
   * for Prometheus to scrape, and queries `url`.
   */
  prometheus?: { url: string; targetsFile: string };
}

interface Instance {
  version: string;
  port: number;
  child: ChildProcess;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  logger: LoggerService,
) {
  return new Promise<void>((resolve, reject) => {
    const { NODE_ENV: _ignored, ...env } = process.env;
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', d => (output += d));
    child.stderr.on('data', d => (output += d));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) resolve();
      else {
        logger.warn(output.slice(-2000));
        reject(
          new Error(
            `'${command} ${args.join(' ')}' failed in ${cwd} (exit ${code})`,
          ),
        );
      }
    });
  });
}

/**
 * The embedded default target: each version of a sample service runs as a real process
 * on loopback, behind a TrafficRouter per service and environment that the deploy
 * switches (blue-green, rolling) or splits by weight (canary).
 */
export class LocalTarget implements DeployTarget {
  readonly name = 'local';
  private readonly routers = new Map<string, TrafficRouter>();
  private readonly instances = new Map<string, Instance[]>();
  private readonly builds = new Map<string, Promise<string>>();
  private readonly loads = new Map<string, NodeJS.Timeout>();
  private readonly starting = new Map<string, Promise<void>>();
  /** Services and environments being brought back after a restart. */
  private readonly restoring = new Set<string>();
  private readonly registry: string;
  private readonly prometheus?: PrometheusMetrics;

  constructor(private readonly options: LocalTargetOptions) {
    this.registry = path.join(options.workDir, 'processes.json');
    if (options.prometheus) {
      this.prometheus = new PrometheusMetrics({ url: options.prometheus.url });
    }
  }

  /**
   * Kills processes a previous backend left behind (after a crash), so no environment
   * keeps a version the database does not know about.
   */
  async reapOrphans() {
    let pids: number[] = [];
    try {
      pids = JSON.parse(await fs.readFile(this.registry, 'utf8'));
    } catch {
      return;
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        this.options.logger.info(`Stopped orphaned sample process ${pid}`);
      } catch {
        // already gone
      }
    }
    await this.saveRegistry();
  }

  private async saveRegistry() {
    const pids = [...this.instances.values()]
      .flat()
      .map(i => i.child.pid)
      .filter((p): p is number => typeof p === 'number');
    await fs.mkdir(this.options.workDir, { recursive: true });
    await fs.writeFile(this.registry, JSON.stringify(pids));
    if (this.options.prometheus) {
      const targets = [...this.instances.entries()].flatMap(([key, list]) => {
        const [service, environment] = key.split('/');
        return list.map(i => ({
          targets: [`127.0.0.1:${i.port}`],
          labels: {
            ibias_service: service,
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

  private key(ref: TargetRef) {
    return `${ref.service}/${ref.environment}`;
  }

  async versions(ref: TargetRef) {
    return Object.keys(this.options.releases[ref.service] ?? {});
  }

  private release(ref: TargetRef, version: string): LocalRelease {
    const releases = this.options.releases[ref.service];
    if (!releases) {
      throw new NotFoundError(
        `The local target has no sample for ${ref.service}; configure ibias.deployments.local.releases`,
      );
    }
    const release = releases[version];
    if (!release) {
      throw new InputError(
        `${ref.service} has no release ${version}; known: ${Object.keys(
          releases,
        ).join(', ')}`,
      );
    }
    return release;
  }

  /** Installs and builds the sample once (per backend start), in the work folder. */
  private build(service: string): Promise<string> {
    let build = this.builds.get(service);
    if (!build) {
      build = (async () => {
        const source = path.join(this.options.servicesDir, service);
        const target = path.join(this.options.workDir, 'builds', service);
        await fs.rm(target, { recursive: true, force: true });
        await fs.cp(source, target, {
          recursive: true,
          filter: src => !/[/\\](node_modules|dist)$/.test(src),
        });
        const npm = this.options.npmCommand ?? 'npm';
        this.options.logger.info(`Building the ${service} sample in ${target}`);
        await run(
          npm,
          ['ci', '--no-audit', '--no-fund'],
          target,
          this.options.logger,
        );
        await run(
          npm,
          ['run', 'build', '--silent'],
          target,
          this.options.logger,
        );
        return target;
      })();
      build.catch(() => this.builds.delete(service));
      this.builds.set(service, build);
    }
    return build;
  }

  private async router(ref: TargetRef) {
    let router = this.routers.get(this.key(ref));
    if (!router) {
      router = new TrafficRouter();
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
    const k = `${this.key(ref)}@${version}`;
    let start = this.starting.get(k);
    if (!start) {
      start = this.start(ref, version).finally(() => this.starting.delete(k));
      this.starting.set(k, start);
    }
    return start;
  }

  private async start(ref: TargetRef, version: string) {
    const release = this.release(ref, version);
    const existing = this.instance(ref, version);
    if (existing && existing.child.exitCode === null) return;
    const dir = await this.build(ref.service);
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/src/server.js'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        NODE_ENV: ref.environment,
        SERVICE_VERSION: version,
        GIT_COMMIT: `release-${version}`,
        // The router is one client: the per-client limit would throttle all traffic.
        RATE_LIMIT_MAX: '100000000',
        LOG_LEVEL: 'error',
        ...release.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', d =>
      this.options.logger.warn(
        `${ref.service}@${version}: ${String(d).trim()}`,
      ),
    );
    const list = this.instances.get(this.key(ref)) ?? [];
    this.instances.set(this.key(ref), [
      ...list.filter(i => i.version !== version),
      { version, port, child },
    ]);
    await this.saveRegistry();
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `${ref.service}@${version} exited with code ${child.exitCode}`,
        );
      }
      const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
        r => r.ok,
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) {
        throw new Error(`${ref.service}@${version} was not ready within 30 s`);
      }
      await new Promise(r => setTimeout(r, 200));
    }
  }

  private baseUrl(ref: TargetRef, version: string) {
    const instance = this.instance(ref, version);
    if (!instance) throw new Error(`${ref.service}@${version} is not running`);
    return `http://127.0.0.1:${instance.port}`;
  }

  async healthChecks(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    const base = this.baseUrl(ref, version);
    const results: ProbeResult[] = [];
    const health = await fetch(`${base}/health`).catch(() => undefined);
    const body = (await health?.json().catch(() => ({}))) as
      | { version?: string }
      | undefined;
    results.push({
      query: 'GET /health',
      passed: health?.status === 200 && body?.version === version,
      detail: health
        ? `${health.status}, version ${body?.version ?? 'missing'}`
        : 'no answer',
    });
    const ready = await fetch(`${base}/ready`).catch(() => undefined);
    results.push({
      query: 'GET /ready',
      passed: ready?.status === 200,
      detail: ready ? String(ready.status) : 'no answer',
    });
    return results;
  }

  async smokeTests(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    const base = this.baseUrl(ref, version);
    const metrics = await fetch(`${base}/metrics`).catch(() => undefined);
    const text = (await metrics?.text()) ?? '';
    // Probes and metrics only: smoke tests check the wiring, analysis checks behaviour.
    const health = await fetch(`${base}/health`).catch(() => undefined);
    await health?.arrayBuffer();
    return [
      {
        query: 'GET /metrics',
        passed:
          metrics?.status === 200 &&
          text.includes('http_request_duration_seconds'),
        detail: metrics ? `${metrics.status}` : 'no answer',
      },
      {
        query: 'GET /health → security headers',
        passed:
          health?.headers.get('x-frame-options') === 'DENY' &&
          Boolean(health.headers.get('content-security-policy')) &&
          Boolean(health.headers.get('strict-transport-security')),
        detail: health
          ? `X-Frame-Options ${health.headers.get('x-frame-options')}, CSP ${
              health.headers.get('content-security-policy') ? 'set' : 'missing'
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
      query: `router ${ref.service}/${
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
    const res = await fetch(`${url}/health`, {
      signal: AbortSignal.timeout(2000),
    }).catch(() => undefined);
    await res?.arrayBuffer().catch(() => undefined);
    return res?.ok ? 'healthy' : 'unhealthy';
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
    this.restoring.add(key);
    try {
      await this.deploy(ref, version);
      await this.setTraffic(ref, version, 100, null);
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
