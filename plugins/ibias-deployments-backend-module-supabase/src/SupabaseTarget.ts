import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import type {
  DependencyCheck,
  Health,
  Strategy,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  ProbeResult,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';
import { DEFAULT_SUPABASE_LOAD, type SupabaseFunctionLink } from './config';
import {
  ENTRYPOINT,
  DirectorySource,
  type FunctionSource,
  GithubSource,
  loopbackBundleSha256,
} from './FunctionSources';
import {
  type EnvironmentSettingsLookup,
  type GithubReleaseTags,
  probeOnce,
  ProbeLoad,
  ProbeRecords,
  type ProbeLoadProfile,
  type ProbeLoadTarget,
} from '@internal/plugin-ibias-deployments-node';
import {
  SupabaseApiError,
  type SupabaseManagementClient,
} from './SupabaseManagementClient';

export interface SupabaseTargetOptions {
  client: SupabaseManagementClient;
  /** Where a project's functions are invoked, with `{ref}` for the project ref. */
  functionsUrl: string;
  projects: Record<string, SupabaseFunctionLink>;
  /** The analysis load of each environment; DEFAULT_SUPABASE_LOAD for others. */
  load?: Record<string, ProbeLoadProfile | undefined>;
  /** For each probe and probe-load request; default 5 s. */
  probeTimeoutMs?: number;
  probeRecords?: ProbeRecords;
  /** Reads release tags and their files through the GitHub integration (`source`). */
  releases?: Pick<GithubReleaseTags, 'repository' | 'versions' | 'filesAt'>;
  /** The service's environments file, where `<env>.supabase.projectRef` may be set. */
  environmentSettings?: EnvironmentSettingsLookup;
  /** How long a project ref read from an environments file is reused; default 30 s. */
  settingsTtlMs?: number;
  logger: LoggerService;
}

/** A Supabase project ref: 20 lowercase letters and digits. */
const PROJECT_REF = /^[a-z0-9]{20}$/;

/** A service in an environment: what loads and analysis state are kept by. */
const refKey = (ref: TargetRef) => `${ref.entityRef}#${ref.environment}`;
const sampleKey = (ref: TargetRef, version: string) =>
  `${refKey(ref)}#${version}`;

/** Where a version waits, taking no traffic: `<slug>--1-2-0`. */
export const sideSlug = (slug: string, version: string) =>
  `${slug}--${version.replace(/\./g, '-')}`;
const SIDE_SUFFIX = /^v?\d+-\d+-\d+$/;

/** The function's display name says which version it runs: `<slug>@<version>`. */
const functionName = (slug: string, version: string) => `${slug}@${version}`;

/**
 * Deploys a service's Supabase Edge Function. Supabase cannot split traffic between
 * versions of a slug, so this is blue-green only: each version is deployed to a side
 * slug of its own (health checks, smoke tests and analysis load go there), the switch
 * redeploys that version's sources to the main slug, and a rollback redeploys the
 * stable version's sources to it.
 */
export class SupabaseTarget implements DeployTarget {
  readonly name = 'supabase';
  /** Per service and environment: the version the main slug was last switched to. */
  private readonly mainVersion = new Map<string, string>();
  /** Per service and environment: the version last deployed or switched to. */
  private readonly analysed = new Map<string, string>();
  private readonly loads = new Map<
    string,
    { profile: ProbeLoadProfile; target: ProbeLoadTarget }
  >();
  private readonly probeRecords: ProbeRecords;
  private readonly probeLoad: ProbeLoad;

  constructor(private readonly o: SupabaseTargetOptions) {
    this.probeRecords = o.probeRecords ?? new ProbeRecords();
    this.probeLoad = new ProbeLoad({
      records: this.probeRecords,
      requestTimeoutMs: o.probeTimeoutMs,
    });
  }

  /** Per service and environment: the project ref last resolved, and when. */
  private readonly resolved = new Map<string, { ref: string; at: number }>();

  /**
   * The project of a service in an environment: `<env>.supabase.projectRef` in its
   * environments file, which must be one ibias.deployments.supabase.projects.<service>
   * allows (`allowedRefs`, or its `refs`), since the file's authors are the service's
   * owners, not the portal's operators; else `refs.<env>` from config.
   */
  private async projectRefOf(
    ref: TargetRef,
  ): Promise<{ projectRef: string } | { refused: string }> {
    const link = this.o.projects[ref.service];
    const key = `ibias.deployments.supabase.projects.${ref.service}`;
    if (!link) {
      return {
        refused: `No Supabase function is configured for ${ref.service} (ibias.deployments.supabase.projects)`,
      };
    }
    const cached = this.resolved.get(refKey(ref));
    if (cached && Date.now() - cached.at < (this.o.settingsTtlMs ?? 30_000)) {
      return { projectRef: cached.ref };
    }
    const allowedHere = link.allowedRefs?.[ref.environment];
    const settings = await this.o.environmentSettings?.(ref);
    if (allowedHere && settings === undefined) {
      // The file is where this environment's project is chosen: unreadable or invalid,
      // it chooses nothing (and config's ref is not slipped in instead).
      return {
        refused: `The environments file of ${ref.service} could not be read, or has no valid ${ref.environment}, so its Supabase project is unknown`,
      };
    }
    const supabase = settings?.supabase;
    const named =
      supabase && typeof supabase === 'object'
        ? (supabase as Record<string, unknown>).projectRef
        : undefined;
    let projectRef: string | undefined;
    if (named !== undefined) {
      // Never echoed: it is the file's content.
      if (typeof named !== 'string' || !PROJECT_REF.test(named)) {
        return {
          refused: `The environments file of ${ref.service} sets ${ref.environment}.supabase.projectRef to something that is not a Supabase project ref (20 lowercase letters and digits)`,
        };
      }
      // Only this environment's: a staging file may not name production's project.
      const allowed = new Set([
        ...(allowedHere ?? []),
        ...(link.refs[ref.environment] ? [link.refs[ref.environment]] : []),
      ]);
      if (!allowed.has(named)) {
        return {
          refused: `The environments file of ${ref.service} names a Supabase project for ${ref.environment} that ${key}.allowedRefs.${ref.environment} does not list`,
        };
      }
      projectRef = named;
    } else {
      projectRef = link.refs[ref.environment];
    }
    if (!projectRef) {
      return {
        refused: `No Supabase project for ${ref.service} in ${ref.environment}: set ${ref.environment}.supabase.projectRef in its environments file (one of ${key}.allowedRefs.${ref.environment}), or ${key}.refs.${ref.environment}`,
      };
    }
    this.resolved.set(refKey(ref), { ref: projectRef, at: Date.now() });
    return { projectRef };
  }

  refusesStrategy(ref: TargetRef, strategy: Strategy) {
    return strategy === 'blue-green'
      ? undefined
      : `Supabase Edge Functions cannot split traffic, so ${strategy} is refused: deploy ${ref.service} in ${ref.environment} blue-green`;
  }

  async cannotDeploy(ref: TargetRef): Promise<string | undefined> {
    const r = await this.projectRefOf(ref);
    return 'refused' in r ? r.refused : undefined;
  }

  private async link(ref: TargetRef) {
    const r = await this.projectRefOf(ref);
    if ('refused' in r) throw new InputError(r.refused);
    return { ...this.o.projects[ref.service], projectRef: r.projectRef };
  }

  private invocationUrl(projectRef: string, slug: string) {
    const base = this.o.functionsUrl
      .replace('{ref}', projectRef)
      .replace(/\/+$/, '');
    return `${base}/functions/v1/${slug}`;
  }

  /** Where a service's function versions come from. */
  private sourceOf(service: string): FunctionSource | undefined {
    const link = this.o.projects[service];
    if (!link) return undefined;
    if (link.source) {
      if (!this.o.releases) {
        throw new Error('No GitHub integration to read function sources with');
      }
      return new GithubSource({
        releases: this.o.releases,
        path: link.source.path,
        repository: link.source.repository,
      });
    }
    return new DirectorySource(link.sourceDir!);
  }

  /**
   * The function's versions, newest first: its repository's release tags, or the
   * version folders under sourceDir.
   */
  async versions(ref: TargetRef): Promise<string[]> {
    return (await this.sourceOf(ref.service)?.versions(ref)) ?? [];
  }

  /** Deploys the version's sources to its side slug, unless it already runs them. */
  async deploy(ref: TargetRef, version: string): Promise<void> {
    const link = await this.link(ref);
    this.analysed.set(refKey(ref), version);
    await this.deploySources(ref, link, sideSlug(link.slug, version), version);
  }

  /** Deploys a version's sources to `slug`; skipped when it already has their hash. */
  private async deploySources(
    ref: TargetRef,
    link: SupabaseFunctionLink & { projectRef: string },
    slug: string,
    version: string,
  ) {
    const files = await this.sourceOf(ref.service)!.files(ref, version);
    const sha = loopbackBundleSha256(files);
    const name = functionName(link.slug, version);
    const existing = await this.o.client.getFunction(link.projectRef, slug);
    if (
      existing?.status === 'ACTIVE' &&
      existing.ezbr_sha256 === sha &&
      existing.name === name
    ) {
      return existing;
    }
    return this.o.client.deployFunction(
      link.projectRef,
      slug,
      // Health probes and the analysis load carry no JWT.
      { entrypoint_path: ENTRYPOINT, name, verify_jwt: false },
      files,
    );
  }

  private probe(url: string, query: string): Promise<ProbeResult> {
    return probeOnce(url, query, this.o.probeTimeoutMs);
  }

  /** `GET /functions/v1/<side slug>/health`. */
  async healthChecks(ref: TargetRef, version: string) {
    const link = await this.link(ref);
    const slug = sideSlug(link.slug, version);
    return [
      await this.probe(
        `${this.invocationUrl(link.projectRef, slug)}/health`,
        `GET /functions/v1/${slug}/health`,
      ),
    ];
  }

  /** `GET /functions/v1/<side slug>`. */
  async smokeTests(ref: TargetRef, version: string) {
    const link = await this.link(ref);
    const slug = sideSlug(link.slug, version);
    return [
      await this.probe(
        this.invocationUrl(link.projectRef, slug),
        `GET /functions/v1/${slug}`,
      ),
    ];
  }

  /**
   * 100: the blue-green switch, the version's sources redeployed to the main slug.
   * 0 with a stable version: the rollback, the stable version's sources redeployed to
   * it. Anything between is refused: Supabase cannot split a slug's traffic.
   */
  async setTraffic(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ): Promise<void> {
    if (weight > 0 && weight < 100) {
      throw new InputError(
        `Supabase Edge Functions cannot split traffic, so ${weight}% to ${version} is refused: deploy ${ref.service} in ${ref.environment} blue-green`,
      );
    }
    const link = await this.link(ref);
    if (weight >= 100) {
      this.analysed.set(refKey(ref), version);
      // What takes the traffic must be what the deploy step put on the side slug of
      // this very project (and health-checked there).
      const side = await this.o.client.getFunction(
        link.projectRef,
        sideSlug(link.slug, version),
      );
      if (!side || side.status !== 'ACTIVE') {
        throw new ConflictError(
          `${version} of ${ref.service} is not deployed to ${sideSlug(
            link.slug,
            version,
          )} in the Supabase project of ${
            ref.environment
          } (did the project change during the deployment?): not switching`,
        );
      }
      await this.switchMain(ref, link, version);
    } else if (stable) {
      await this.switchMain(ref, link, stable);
    } else {
      // Nothing ran before: the version leaves the main slug it was the first to take.
      const main = await this.o.client.getFunction(link.projectRef, link.slug);
      if (main?.name === functionName(link.slug, version)) {
        await this.o.client.deleteFunction(link.projectRef, link.slug);
      }
      this.mainVersion.delete(refKey(ref));
    }
  }

  private async switchMain(
    ref: TargetRef,
    link: SupabaseFunctionLink & { projectRef: string },
    version: string,
  ) {
    await this.deploySources(ref, link, link.slug, version);
    // Verify that the main slug now runs what the side slug was tested with.
    const [main, side] = await Promise.all([
      this.o.client.getFunction(link.projectRef, link.slug),
      this.o.client.getFunction(link.projectRef, sideSlug(link.slug, version)),
    ]);
    if (!main || main.status !== 'ACTIVE') {
      throw new Error(
        `Supabase function ${link.slug} is not active after deploying ${version} to it`,
      );
    }
    if (side?.ezbr_sha256 && side.ezbr_sha256 !== main.ezbr_sha256) {
      throw new Error(
        `Supabase function ${link.slug} runs a different bundle than ${sideSlug(
          link.slug,
          version,
        )} after deploying ${version} to it`,
      );
    }
    this.mainVersion.set(refKey(ref), version);
  }

  /**
   * `{ <version>: 100 }` for the version the main slug runs, read from its name and
   * checked against that version's side slug bundle, when it still exists; `{}` when
   * the main slug is missing or runs something the portal did not deploy.
   */
  async traffic(ref: TargetRef): Promise<Record<string, number>> {
    const link = await this.link(ref);
    const main = await this.o.client.getFunction(link.projectRef, link.slug);
    const prefix = `${link.slug}@`;
    if (!main?.name.startsWith(prefix)) {
      this.mainVersion.delete(refKey(ref));
      return {};
    }
    const version = main.name.slice(prefix.length);
    const side = await this.o.client.getFunction(
      link.projectRef,
      sideSlug(link.slug, version),
    );
    if (side?.ezbr_sha256 && side.ezbr_sha256 !== main.ezbr_sha256) {
      this.mainVersion.delete(refKey(ref));
      return {};
    }
    this.mainVersion.set(refKey(ref), version);
    return { [version]: 100 };
  }

  /** What the main slug was last switched to by this process, if anything. */
  runningVersion(ref: TargetRef): string | undefined {
    return this.mainVersion.get(refKey(ref));
  }

  private profileFor(ref: TargetRef): ProbeLoadProfile {
    return this.o.load?.[ref.environment] ?? DEFAULT_SUPABASE_LOAD;
  }

  /** What the portal's probe load measured of the version's side slug since `sinceMs`. */
  async metrics(ref: TargetRef, version: string, sinceMs: number) {
    const measured = this.probeRecords.metrics(
      sampleKey(ref, version),
      sinceMs,
    );
    const load = this.loads.get(refKey(ref));
    const sent = load?.target.version === version ? load.target : undefined;
    const profile = load?.profile ?? this.profileFor(ref);
    return {
      ...measured,
      query: `Portal probe load ${profile.method} ${profile.path} at ${
        profile.rps
      } rps on ${sent?.name ?? 'the side slug'} (${version}) since ${new Date(
        sinceMs,
      ).toISOString()}: ${
        measured.requests
      } requests timed by the portal, errors = 5xx or no answer within ${
        this.o.probeTimeoutMs ?? 5_000
      } ms, p95 nearest-rank`,
      source: 'target-probe' as const,
      ...(sent
        ? {}
        : { detail: `The portal sent no probe load to ${version}` }),
    };
  }

  /** Starts (or stops) the portal's timed load against the side slug of the version under analysis. */
  async setLoad(ref: TargetRef, on: boolean): Promise<void> {
    const key = refKey(ref);
    this.probeLoad.stop(key);
    if (!on) return;
    this.loads.delete(key);
    const profile = this.profileFor(ref);
    if (profile.rps <= 0) return;
    const version = this.analysed.get(key);
    if (!version) {
      this.o.logger.warn(
        `Supabase ${ref.service}: no version under analysis to send the load to`,
      );
      return;
    }
    const link = await this.link(ref);
    const slug = sideSlug(link.slug, version);
    const target: ProbeLoadTarget = {
      key: sampleKey(ref, version),
      version,
      url: this.invocationUrl(link.projectRef, slug),
      name: slug,
    };
    this.probeLoad.start(key, [target], profile);
    this.loads.set(key, { profile, target });
  }

  /** Deletes the side slugs of every version but `keep`; the main slug stays. */
  async retain(ref: TargetRef, keep: string | null): Promise<void> {
    const link = await this.link(ref);
    const kept = keep ? sideSlug(link.slug, keep) : undefined;
    const prefix = `${link.slug}--`;
    for (const f of await this.o.client.listFunctions(link.projectRef)) {
      if (
        f.slug !== kept &&
        f.slug.startsWith(prefix) &&
        SIDE_SUFFIX.test(f.slug.slice(prefix.length))
      ) {
        await this.o.client.deleteFunction(link.projectRef, f.slug);
      }
    }
  }

  /** Whether the main slug answers `GET /health` now (unknown when nothing runs there). */
  async health(ref: TargetRef): Promise<Health> {
    const link = this.o.projects[ref.service];
    const resolved = await this.projectRefOf(ref).catch(() => undefined);
    if (!link || !resolved || 'refused' in resolved) return 'unknown';
    const { projectRef } = resolved;
    const main = await this.o.client
      .getFunction(projectRef, link.slug)
      .catch(() => undefined);
    if (!main) return 'unknown';
    const r = await this.probe(
      `${this.invocationUrl(projectRef, link.slug)}/health`,
      `GET /functions/v1/${link.slug}/health`,
    );
    return r.passed ? 'healthy' : 'unhealthy';
  }

  url(ref: TargetRef): string | undefined {
    const link = this.o.projects[ref.service];
    const projectRef =
      this.resolved.get(refKey(ref))?.ref ?? link?.refs[ref.environment];
    return projectRef ? this.invocationUrl(projectRef, link.slug) : undefined;
  }

  /** Lists the functions of one configured project. */
  async dependencies(): Promise<DependencyCheck[]> {
    const projectRef = Object.values(this.o.projects)
      .flatMap(p => [
        ...Object.values(p.refs),
        ...Object.values(p.allowedRefs ?? {}).flat(),
      ])
      .find(Boolean);
    if (!projectRef) return [];
    const started = Date.now();
    try {
      await this.o.client.listFunctions(projectRef);
      return [
        {
          name: 'management-api',
          status: 'ok',
          latencyMs: Date.now() - started,
        },
      ];
    } catch (e) {
      return [
        {
          name: 'management-api',
          status: 'down',
          latencyMs: Date.now() - started,
          detail:
            e instanceof SupabaseApiError && e.status > 0
              ? `answered ${e.status}`
              : 'unreachable',
        },
      ];
    }
  }

  async stop(): Promise<void> {
    this.probeLoad.stopAll();
    this.loads.clear();
  }
}
