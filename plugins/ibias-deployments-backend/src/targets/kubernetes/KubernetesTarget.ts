import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { Health } from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  ProbeResult,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';
import type { PrometheusMetrics } from '../PrometheusMetrics';
import { checkHttp } from '../../health/checkHttp';
import type { GithubReleaseTags } from '@internal/plugin-ibias-deployments-node';

export interface KubernetesCluster {
  name: string;
  /** The API server, e.g. https://k8s.example:6443 */
  url: string;
  /** A service account token allowed to manage Deployments and Services. */
  token: string;
}

export interface KubernetesTargetOptions {
  cluster: KubernetesCluster;
  namespace: string;
  /** Images are `<imageRepository>/<service>:<version>`. */
  imageRepository: string;
  /** Replicas per service; canary and rolling split them between the versions. */
  replicas: number;
  logger: LoggerService;
  /** Where analysis reads metrics; without it analysis is inconclusive (never promotes). */
  metrics?: PrometheusMetrics;
  /**
   * Where a service's versions come from: the release tags of its GitHub repository
   * (its `backstage.io/source-location`). Without it any version can be asked for and
   * the image pull decides.
   */
  releases?: GithubReleaseTags;
  rolloutTimeoutMs?: number;
  pollMs?: number;
  /** Each API request gives up after this long (default 30 s). */
  requestTimeoutMs?: number;
  fetchImpl?: typeof fetch;
}

type Track = 'blue' | 'green';
const TRACK_LABEL = 'ibias.io/track';
const NAME_LABEL = 'app.kubernetes.io/name';
const VERSION_LABEL = 'app.kubernetes.io/version';
/** A version is an image tag and a label value: both rules at once. */
const VERSION_PATTERN = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

interface K8sDeployment {
  metadata: {
    name: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
  };
  spec: {
    replicas: number;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: Array<{ name: string; image: string }> };
    };
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
}

interface K8sService {
  metadata: { name: string; resourceVersion?: string };
  spec: { selector: Record<string, string> };
}

export class KubernetesError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The production target: two Deployments per service (`<service>-blue`,
 * `<service>-green`) behind one Service. Blue-green switches the Service's selector to
 * the new track; canary and rolling split the replicas between the tracks while the
 * Service selects both; every step waits for the rollout (observed generation, ready and
 * updated replicas). Writes carry the resourceVersion they read and are retried on 409.
 */
export class KubernetesTarget implements DeployTarget {
  readonly name = 'kubernetes';
  private readonly fetch: typeof fetch;

  constructor(private readonly o: KubernetesTargetOptions) {
    this.fetch = o.fetchImpl ?? fetch;
  }

  /**
   * Objects are named after the entity (`<name>`, `<name>-blue`, `<name>-green`) in one
   * namespace, so only one entity may map to a name: component:default/<name>. Entities
   * of other kinds or namespaces are refused rather than sharing (or taking over) its
   * Deployments and Service; so are names Kubernetes cannot hold.
   */
  cannotDeploy(ref: TargetRef): string | undefined {
    const { kind, namespace, name } = parseEntityRef(ref.entityRef);
    if (
      kind.toLocaleLowerCase('en-US') !== 'component' ||
      namespace.toLocaleLowerCase('en-US') !== 'default'
    ) {
      return `The kubernetes target deploys Components of the default namespace only (its objects are named after the entity); ${ref.entityRef} is not one`;
    }
    if (!/^[a-z]([-a-z0-9]{0,55}[a-z0-9])?$/.test(name)) {
      return `The kubernetes target cannot name objects after ${name}: lowercase letters, digits and '-', at most 57 characters`;
    }
    return undefined;
  }

  /**
   * The release tags of the service's GitHub repository, newest first (a clear error when
   * it has none or GitHub cannot be asked); without a release source, any version ('*').
   */
  async versions(ref: TargetRef): Promise<string[]> {
    if (this.cannotDeploy(ref)) return [];
    const releases = this.o.releases;
    // Without a release source, any version the pipeline built; the image pull decides.
    if (!releases) return ['*'];
    const repository = releases.repository(ref.locations?.source);
    if (!repository) {
      throw new InputError(
        `The kubernetes target deploys the release tags of a service's GitHub repository, and ${
          ref.entityRef
        } has no source location on a host with a GitHub integration (backstage.io/source-location: ${
          ref.locations?.source ?? 'none'
        })`,
      );
    }
    return releases.versions(repository);
  }

  private refuse(ref: TargetRef) {
    const why = this.cannotDeploy(ref);
    if (why) throw new InputError(why);
  }

  private refuseVersion(version: string) {
    if (!VERSION_PATTERN.test(version)) {
      throw new InputError(
        `The kubernetes target cannot deploy version ${JSON.stringify(
          version,
        )}: it is the image tag and the ${VERSION_LABEL} label, so at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
      );
    }
  }

  private async api<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const res = await this.fetch(`${this.o.cluster.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.o.cluster.token}`,
        Accept: 'application/json',
        ...(body ? { 'Content-Type': contentType } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch {
        // keep the text
      }
      throw new KubernetesError(
        res.status,
        `${method} ${path} on ${this.o.cluster.name}: ${res.status} ${message}`,
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  private deploymentsPath(name?: string) {
    const base = `/apis/apps/v1/namespaces/${this.o.namespace}/deployments`;
    return name ? `${base}/${name}` : base;
  }

  private servicePath(name?: string) {
    const base = `/api/v1/namespaces/${this.o.namespace}/services`;
    return name ? `${base}/${name}` : base;
  }

  private async getDeployment(name: string) {
    try {
      return await this.api<K8sDeployment>('GET', this.deploymentsPath(name));
    } catch (e) {
      if (e instanceof KubernetesError && e.status === 404) return undefined;
      throw e;
    }
  }

  private async getService(name: string) {
    try {
      return await this.api<K8sService>('GET', this.servicePath(name));
    } catch (e) {
      if (e instanceof KubernetesError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Read-modify-write with the resourceVersion read; retried on 409 Conflict. */
  private async update<T extends { metadata: { resourceVersion?: string } }>(
    read: () => Promise<T | undefined>,
    path: string,
    change: (current: T) => T,
  ) {
    for (let attempt = 1; ; attempt++) {
      const current = await read();
      if (!current) throw new KubernetesError(404, `${path} does not exist`);
      try {
        return await this.api<T>('PUT', path, change(structuredClone(current)));
      } catch (e) {
        if (
          !(e instanceof KubernetesError) ||
          e.status !== 409 ||
          attempt >= 5
        ) {
          throw e;
        }
        this.o.logger.info(`Conflict on ${path}; retrying with a fresh read`);
      }
    }
  }

  /** The track the Service sends traffic to alone, if any. */
  private async liveTrack(ref: TargetRef): Promise<Track | undefined> {
    const svc = await this.getService(ref.service);
    return svc?.spec.selector[TRACK_LABEL] as Track | undefined;
  }

  private async trackOf(
    ref: TargetRef,
    version: string,
  ): Promise<Track | undefined> {
    for (const track of ['blue', 'green'] as const) {
      const d = await this.getDeployment(`${ref.service}-${track}`);
      if (d?.metadata.labels?.[VERSION_LABEL] === version) return track;
    }
    return undefined;
  }

  private manifest(
    ref: TargetRef,
    track: Track,
    version: string,
    replicas: number,
  ) {
    const labels = {
      [NAME_LABEL]: ref.service,
      [TRACK_LABEL]: track,
      [VERSION_LABEL]: version,
    };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${ref.service}-${track}`, labels },
      spec: {
        replicas,
        selector: {
          matchLabels: { [NAME_LABEL]: ref.service, [TRACK_LABEL]: track },
        },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: ref.service,
                image: `${this.o.imageRepository}/${ref.service}:${version}`,
                env: [{ name: 'NODE_ENV', value: ref.environment }],
              },
            ],
          },
        },
      },
    };
  }

  private async waitForRollout(name: string) {
    const deadline = Date.now() + (this.o.rolloutTimeoutMs ?? 300_000);
    for (;;) {
      const d = await this.getDeployment(name);
      const s = d?.status;
      const want = d?.spec.replicas ?? 0;
      if (
        d &&
        (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
        (s?.updatedReplicas ?? 0) >= want &&
        (s?.readyReplicas ?? 0) >= want
      ) {
        return d;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Rollout of ${name} did not finish: ${
            s?.readyReplicas ?? 0
          }/${want} ready`,
        );
      }
      await new Promise(r => setTimeout(r, this.o.pollMs ?? 1000));
    }
  }

  async deploy(ref: TargetRef, version: string) {
    this.refuse(ref);
    this.refuseVersion(version);
    const existing = await this.trackOf(ref, version);
    if (existing) {
      await this.scale(ref, existing, this.o.replicas);
      return;
    }
    const live = await this.liveTrack(ref);
    const track: Track = live === 'blue' ? 'green' : 'blue';
    const name = `${ref.service}-${track}`;
    const manifest = this.manifest(ref, track, version, this.o.replicas);
    if (await this.getDeployment(name)) {
      await this.update(
        () => this.getDeployment(name),
        this.deploymentsPath(name),
        cur => ({
          ...cur,
          metadata: { ...cur.metadata, labels: manifest.metadata.labels },
          spec: manifest.spec,
        }),
      );
    } else {
      await this.api('POST', this.deploymentsPath(), manifest);
    }
    await this.waitForRollout(name);
    if (!(await this.getService(ref.service))) {
      // First deployment of the service: the Service selects this track.
      await this.api('POST', this.servicePath(), {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: ref.service, labels: { [NAME_LABEL]: ref.service } },
        spec: {
          selector: { [NAME_LABEL]: ref.service, [TRACK_LABEL]: track },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      });
    }
  }

  private async scale(ref: TargetRef, track: Track, replicas: number) {
    const name = `${ref.service}-${track}`;
    await this.update(
      () => this.getDeployment(name),
      this.deploymentsPath(name),
      cur => ({
        ...cur,
        spec: { ...cur.spec, replicas },
      }),
    );
    return this.waitForRollout(name);
  }

  async healthChecks(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    const track = await this.trackOf(ref, version);
    const d = track
      ? await this.getDeployment(`${ref.service}-${track}`)
      : undefined;
    const ready = d?.status?.readyReplicas ?? 0;
    return [
      {
        query: `rollout status deployment/${ref.service}-${track ?? '?'}`,
        passed: Boolean(d) && ready >= (d?.spec.replicas ?? 1),
        detail: d
          ? `${ready}/${d.spec.replicas} ready`
          : `no Deployment runs ${version}`,
      },
    ];
  }

  async smokeTests(ref: TargetRef, version: string): Promise<ProbeResult[]> {
    const track = await this.trackOf(ref, version);
    const d = track
      ? await this.getDeployment(`${ref.service}-${track}`)
      : undefined;
    const image = d?.spec.template.spec.containers[0]?.image;
    const want = `${this.o.imageRepository}/${ref.service}:${version}`;
    return [
      {
        query: `image of deployment/${ref.service}-${track ?? '?'}`,
        passed: image === want,
        detail: image ?? 'none',
      },
    ];
  }

  async setTraffic(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ) {
    this.refuse(ref);
    const track = await this.trackOf(ref, version);
    if (!track) throw new Error(`No Deployment runs ${ref.service} ${version}`);
    const other: Track = track === 'blue' ? 'green' : 'blue';
    const stableTrack = stable ? await this.trackOf(ref, stable) : undefined;
    const n = this.o.replicas;
    if (weight >= 100 || !stableTrack) {
      // Blue-green switch (or the end of a split): the Service selects the new track.
      await this.scale(ref, track, n);
      await this.update(
        () => this.getService(ref.service),
        this.servicePath(ref.service),
        cur => ({
          ...cur,
          spec: {
            ...cur.spec,
            selector: { [NAME_LABEL]: ref.service, [TRACK_LABEL]: track },
          },
        }),
      );
      return;
    }
    // Canary / rolling: split the replicas; the Service selects both tracks.
    const fresh = Math.min(n - 1, Math.max(1, Math.round((n * weight) / 100)));
    await this.scale(ref, track, fresh);
    await this.scale(ref, other, n - fresh);
    await this.update(
      () => this.getService(ref.service),
      this.servicePath(ref.service),
      cur => ({
        ...cur,
        spec: { ...cur.spec, selector: { [NAME_LABEL]: ref.service } },
      }),
    );
  }

  async metrics(ref: TargetRef, version: string, sinceMs: number) {
    if (this.o.metrics) return this.o.metrics.metrics(ref, version, sinceMs);
    return {
      requests: 0,
      errors: 0,
      p95Ms: null,
      query: 'no metrics source configured for the kubernetes target',
      source: 'prometheus' as const,
    };
  }

  async setLoad() {
    // Production traffic comes from real callers.
  }

  async retain(ref: TargetRef, keep: string | null) {
    this.refuse(ref);
    const keepTrack = keep ? await this.trackOf(ref, keep) : undefined;
    for (const track of ['blue', 'green'] as const) {
      if (track === keepTrack) continue;
      const name = `${ref.service}-${track}`;
      if (await this.getDeployment(name)) {
        await this.api('DELETE', this.deploymentsPath(name));
      }
    }
    if (keepTrack) await this.setTraffic(ref, keep!, 100, null);
  }

  /** Every Deployment the Service selects has all its replicas ready. */
  async health(ref: TargetRef): Promise<Health> {
    const svc = await this.getService(ref.service).catch(() => undefined);
    if (!svc) return 'unknown';
    const selected = svc.spec.selector[TRACK_LABEL];
    const deployments = (
      await Promise.all(
        (['blue', 'green'] as const)
          .filter(t => !selected || t === selected)
          .map(t => this.getDeployment(`${ref.service}-${t}`)),
      )
    ).filter((d): d is K8sDeployment => Boolean(d));
    if (deployments.length === 0) return 'unhealthy';
    return deployments.every(
      d => (d.status?.readyReplicas ?? 0) >= d.spec.replicas,
    )
      ? 'healthy'
      : 'unhealthy';
  }

  /** The cluster's API server (`/readyz`) and, when analysis reads it, Prometheus. */
  async dependencies() {
    const apiServer = checkHttp('api-server', `${this.o.cluster.url}/readyz`, {
      headers: { Authorization: `Bearer ${this.o.cluster.token}` },
    });
    return Promise.all([
      apiServer,
      ...(this.o.metrics ? [this.o.metrics.health()] : []),
    ]);
  }

  async traffic(ref: TargetRef) {
    const svc = await this.getService(ref.service);
    if (!svc) return {};
    const out: Record<string, number> = {};
    const selected = svc.spec.selector[TRACK_LABEL];
    const deployments = (
      await Promise.all(
        (['blue', 'green'] as const).map(t =>
          this.getDeployment(`${ref.service}-${t}`),
        ),
      )
    ).filter((d): d is K8sDeployment => Boolean(d));
    const serving = deployments.filter(
      d => !selected || d.metadata.labels?.[TRACK_LABEL] === selected,
    );
    const total = serving.reduce(
      (n, d) => n + (d.status?.readyReplicas ?? 0),
      0,
    );
    for (const d of serving) {
      const v = d.metadata.labels?.[VERSION_LABEL] ?? '?';
      if (total > 0 && (d.status?.readyReplicas ?? 0) > 0) {
        out[v] = Math.round(((d.status?.readyReplicas ?? 0) * 100) / total);
      }
    }
    return out;
  }
}
