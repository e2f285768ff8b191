import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  DEFAULT_CANARY_WEIGHTS,
  releasesNewestFirst,
  ROLLING_WEIGHTS,
  type DependencyCheck,
  type Health,
  type Strategy,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  ProbeResult,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';
import type { Vercel } from '@vercel/sdk';
import { SDKError } from '@vercel/sdk/models/sdkerror.js';
import { DEFAULT_VERCEL_LOAD, type VercelProjectLink } from './config';
import type { VercelDrainRecords } from './drain/VercelDrainRecords';
import {
  type GithubReleaseTags,
  probeOnce,
  ProbeLoad,
  ProbeRecords,
  type ProbeLoadProfile,
  type ProbeLoadTarget,
} from '@internal/plugin-ibias-deployments-node';

/** A version the deployments plugin accepts: 1.2.0 or 1.2.0-rc.1 (a tag v1.2.0 reads as 1.2.0). */
const RELEASE_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const FAILED = new Set(['ERROR', 'CANCELED', 'DELETED']);
/** At most this many pages of 100 deployments are read when looking for a version. */
const MAX_PAGES = 5;
/** When the version under analysis is not known, the load goes to at most this many. */
const MAX_UNKNOWN_LOAD_TARGETS = 5;
/**
 * From this many drained requests of real callers in an interval, their error rate is
 * the evidence (source `log-drain`); below it the portal's own timed load decides.
 */
export const MIN_DRAINED_REQUESTS = 10;
/** How long a promotion (a job on Vercel's side) may take to give production. */
const PROMOTE_WAIT_MS = 30_000;

export interface VercelTargetOptions {
  client: Vercel;
  /**
   * The REST API and token, for the two calls the SDK cannot make: setting a project's
   * rolling-release stages (its update sends no body) and aborting a rolling release
   * (the CLI's rollback on /v9).
   */
  api: { url: string; token: string };
  teamId?: string;
  /**
   * The release tags of a project's repository on GitHub (through the GitHub
   * integration), offered next to the tags Vercel has built: deploying one Vercel has
   * not built yet builds it.
   */
  releases?: Pick<GithubReleaseTags, 'repository' | 'versions'>;
  /** The engine's canary weights (ibias.deployments.canaryWeights): the rolling-release stages. */
  canaryWeights?: number[];
  /** The Vercel project of each service, by catalog entity name. */
  projects: Record<string, VercelProjectLink>;
  /** Where a deployment's unique host (`web-abc-team.vercel.app`) is reached from here. */
  resolveUrl(host: string): string;
  records: VercelDrainRecords;
  buildTimeoutMs: number;
  /** Between two looks at a build; default 2 s. */
  pollIntervalMs?: number;
  /** For each health check, smoke test and probe-load request; default 5 s. */
  probeTimeoutMs?: number;
  /**
   * The analysis load of each environment (ibias.deployments.environments.<env>.load);
   * an environment without one gets DEFAULT_VERCEL_LOAD.
   */
  load?: Record<string, ProbeLoadProfile | undefined>;
  /** Where the probe load's timings are kept; default a new one. */
  probeRecords?: ProbeRecords;
  logger: LoggerService;
}

/** What this target reads of a deployment, from either the list or the single view. */
interface DeploymentSummary {
  id: string;
  url: string;
  readyState: string;
  createdAt: number;
  meta: Record<string, string>;
  errorCode?: string;
  errorMessage?: string | null;
}

/**
 * The version a deployment was built for: what this target put in `meta`, else (for
 * production deployments only) its git ref, without a leading `v`: a deployment Vercel's
 * GitHub integration built from a pushed tag. A preview's git ref is any branch a
 * developer pushed (a branch may be called `1.3.0`), so a preview counts only when this
 * target built it.
 */
function versionOf(
  d: { meta?: Record<string, string> },
  kind: 'production' | 'preview' = 'production',
): string | undefined {
  const raw =
    d.meta?.ibiasVersion ??
    (kind === 'production' ? d.meta?.githubCommitRef : undefined);
  return raw && /^v\d/.test(raw) ? raw.slice(1) : raw;
}

/** Vercel's error code and message from an SDK error, never the request (it has the token). */
function explainVercelError(e: unknown): string {
  if (e instanceof SDKError) {
    try {
      const parsed = JSON.parse(e.body);
      const code = parsed?.error?.code;
      const message = parsed?.error?.message;
      if (typeof code === 'string') {
        return `Vercel answered ${e.statusCode} ${code}${
          typeof message === 'string' ? `: ${message}` : ''
        }`;
      }
    } catch {
      // Not Vercel's JSON error body.
    }
    return `Vercel answered ${e.statusCode}`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** A service in an environment: what loads and analysis state are kept by. */
const refKey = (ref: TargetRef) => `${ref.entityRef}#${ref.environment}`;
/** Where the probe load's samples of one version are kept. */
const sampleKey = (ref: TargetRef, version: string) =>
  `${refKey(ref)}#${version}`;

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function vercelCall<T>(what: string, call: () => Promise<T>) {
  try {
    return await call();
  } catch (e) {
    throw new Error(`${what} failed: ${explainVercelError(e)}`);
  }
}

/**
 * Deploys to Vercel: a version is a production deployment built from the git tag of that
 * name and kept staged (the project's automatic domain assignment is turned off), so it
 * takes no traffic until it is promoted. Rollback is Vercel's instant rollback to a
 * deployment that served production before.
 */
export class VercelTarget implements DeployTarget {
  readonly name = 'vercel';
  private readonly productionUrls = new Map<string, string>();
  /**
   * Per service and environment: the version last given to deploy or setTraffic (the
   * one under analysis) and the stable one setTraffic named.
   */
  private readonly analysed = new Map<
    string,
    { version: string; stable?: string | null }
  >();
  /** Per service and environment: what the latest probe load sent, for `query`. */
  private readonly loads = new Map<
    string,
    { profile: ProbeLoadProfile; targets: ProbeLoadTarget[] }
  >();
  private readonly probeRecords: ProbeRecords;
  private readonly probeLoad: ProbeLoad;

  constructor(private readonly o: VercelTargetOptions) {
    const canary = o.canaryWeights ?? DEFAULT_CANARY_WEIGHTS;
    if (
      canary[0] === ROLLING_WEIGHTS[0] &&
      canary.join(',') !== ROLLING_WEIGHTS.join(',')
    ) {
      // The first step's weight tells a canary's rolling release from a rolling deploy's.
      throw new Error(
        `ibias.deployments.canaryWeights may not start at ${ROLLING_WEIGHTS[0]}% with the vercel target: a rolling deploy's first stage is ${ROLLING_WEIGHTS[0]}%`,
      );
    }
    this.probeRecords = o.probeRecords ?? new ProbeRecords();
    this.probeLoad = new ProbeLoad({
      records: this.probeRecords,
      requestTimeoutMs: o.probeTimeoutMs,
    });
  }

  /** The service's project in the environment: its own for that environment, else the service's. */
  private link(ref: TargetRef): VercelProjectLink | undefined {
    const p = this.o.projects[ref.service];
    return p?.environments?.[ref.environment] ?? p;
  }

  cannotDeploy(ref: TargetRef) {
    return this.link(ref)
      ? undefined
      : `ibias.deployments.vercel.projects has no project for ${ref.service}`;
  }

  refusesStrategy(ref: TargetRef, strategy: Strategy) {
    const link = this.link(ref);
    if (link?.preview && strategy !== 'blue-green') {
      return `${ref.environment} of ${ref.service} is a Vercel preview behind an alias, which cannot split traffic (Rolling Releases are for production): deploy it blue-green`;
    }
    return undefined;
  }

  private project(ref: TargetRef): VercelProjectLink {
    const p = this.link(ref);
    if (!p) {
      throw new InputError(
        `ibias.deployments.vercel.projects has no project for ${ref.service}`,
      );
    }
    return p;
  }

  /** The stage lists a deploy can ask for: a canary's weights, or a rolling deploy's. */
  private get stageLists() {
    return [this.o.canaryWeights ?? DEFAULT_CANARY_WEIGHTS, ROLLING_WEIGHTS];
  }

  /** A call the SDK cannot make, with the token; Vercel's error code in what it throws. */
  private async rawCall(
    what: string,
    method: string,
    path: string,
    body: unknown,
  ) {
    const url = new URL(`${this.o.api.url.replace(/\/+$/, '')}${path}`);
    if (this.o.teamId) url.searchParams.set('teamId', this.o.teamId);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.o.api.token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new Error(`${what} failed: Vercel unreachable`);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      let why = `Vercel answered ${res.status}`;
      try {
        const e = JSON.parse(text)?.error;
        if (typeof e?.code === 'string') {
          why += ` ${e.code}${
            typeof e.message === 'string' ? `: ${e.message}` : ''
          }`;
        }
      } catch {
        // Not Vercel's JSON error body.
      }
      throw new Error(`${what} failed: ${why}`);
    }
  }

  /** The project's active rolling release, or null. */
  private async activeRelease(projectId: string) {
    const res = await vercelCall('Reading the rolling release', () =>
      this.o.client.rollingRelease.getRollingRelease({
        idOrName: projectId,
        teamId: this.o.teamId,
        state: 'ACTIVE',
      }),
    );
    const r = res.rollingRelease;
    return r && r.state === 'ACTIVE' ? r : null;
  }

  /**
   * Makes the project's rolling-release stages the engine's canary weights, each waiting
   * for an approval (the portal approves after its analysis); left alone when they match.
   */
  private async ensureStages(
    ref: TargetRef,
    projectId: string,
    weights: number[],
  ) {
    const res = await vercelCall('Reading the rolling-release settings', () =>
      this.o.client.rollingRelease.getRollingReleaseConfig({
        idOrName: projectId,
        teamId: this.o.teamId,
      }),
    );
    const stages = res.rollingRelease?.stages?.map(s => s.targetPercentage);
    if (stages && stages.join(',') === weights.join(',')) return;
    await this.rawCall(
      'Setting the rolling-release stages',
      'PATCH',
      `/v1/projects/${encodeURIComponent(projectId)}/rolling-release/config`,
      {
        enabled: true,
        advancementType: 'manual-approval',
        stages: weights.map(targetPercentage => ({
          targetPercentage,
          requireApproval: targetPercentage < 100,
        })),
      },
    );
    this.o.logger.info(
      `Vercel ${ref.service}: rolling-release stages set to ${weights.join(
        ' → ',
      )} %`,
    );
  }

  /** A version's deployment id, or undefined. */
  private async versionOfId(id: string) {
    const d = await vercelCall('Reading a Vercel deployment', () =>
      this.o.client.deployments.getDeployment({
        idOrUrl: id,
        teamId: this.o.teamId,
      }),
    );
    return 'meta' in d ? versionOf(d) : undefined;
  }

  /**
   * A canary stage: the first starts a Vercel rolling release of the version's
   * deployment, each later one approves the stage of that weight.
   */
  private async rollingStage(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ) {
    const { projectId } = this.project(ref);
    const d = await this.readyDeployment(ref, version);
    const active = await this.activeRelease(projectId);
    if (!active) {
      if (!stable) {
        throw new InputError(
          `${ref.service} has no production deployment on Vercel to roll ${version} out from: deploy it blue-green first`,
        );
      }
      // The first step names the stages: a canary's weights, or a rolling deploy's.
      const stages = this.stageLists.find(ws => ws[0] === weight);
      if (!stages) {
        const known = this.stageLists.flat();
        throw new InputError(
          known.includes(weight)
            ? `No rolling release of ${ref.service} is active on Vercel to move to ${weight}%`
            : `${weight}% is not a stage of a Vercel rolling release (${this.stageLists
                .map(ws => ws.join(', '))
                .join(' or ')})`,
        );
      }
      await this.ensureStages(ref, projectId, stages);
      await vercelCall(`Starting the rolling release of ${version}`, () =>
        this.o.client.rollingRelease.startRollingRelease({
          idOrName: projectId,
          teamId: this.o.teamId,
          requestBody: { canaryDeploymentId: d.id },
        }),
      );
      this.o.logger.info(
        `Vercel ${ref.service}: rolling release of ${version} (${d.id}) started at ${weight}%`,
      );
      return;
    }
    if (active.canaryDeployment?.id !== d.id) {
      throw new ConflictError(
        `A rolling release of another deployment (${
          active.canaryDeployment?.id ?? 'unknown'
        }) is active on the Vercel project of ${
          ref.service
        }: complete or abort it first`,
      );
    }
    const index =
      active.stages.find(st => st.targetPercentage === weight)?.index ?? -1;
    if (index < 0) {
      throw new InputError(
        `${weight}% is not a stage of the active Vercel rolling release of ${
          ref.service
        } (${active.stages.map(st => st.targetPercentage).join(', ')})`,
      );
    }
    if ((active.activeStage?.index ?? 0) >= index) return; // a retried step
    await vercelCall(`Approving the ${weight}% stage of ${version}`, () =>
      this.o.client.rollingRelease.approveRollingReleaseStage({
        idOrName: projectId,
        teamId: this.o.teamId,
        requestBody: { nextStageIndex: index, canaryDeploymentId: d.id },
      }),
    );
    this.o.logger.info(
      `Vercel ${ref.service}: rolling release of ${version} approved to ${weight}%`,
    );
  }

  /** The project's deployments of one target, newest first, page by page. */
  private async *deploymentsOf(
    projectId: string,
    target: 'production' | 'preview',
  ): AsyncGenerator<DeploymentSummary> {
    let until: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const before = until;
      const res = await vercelCall('Listing Vercel deployments', () =>
        this.o.client.deployments.getDeployments({
          projectId,
          target,
          teamId: this.o.teamId,
          limit: 100,
          until: before,
        }),
      );
      for (const d of res.deployments) {
        this.o.records.know(d.uid);
        yield {
          id: d.uid,
          url: d.url,
          readyState: d.readyState,
          createdAt: d.createdAt,
          meta: d.meta ?? {},
          errorCode: d.errorCode,
          errorMessage: d.errorMessage,
        };
      }
      const next = res.pagination?.next;
      if (typeof next !== 'number') return;
      until = next;
    }
  }

  /** What an environment deploys: production deployments, or previews behind an alias. */
  private kind(ref: TargetRef): 'production' | 'preview' {
    return this.project(ref).preview ? 'preview' : 'production';
  }

  /**
   * The newest deployment of a version in the environment's kind that has not failed
   * (READY or still building).
   */
  private async findDeployment(ref: TargetRef, version: string) {
    const { projectId } = this.project(ref);
    for await (const d of this.deploymentsOf(projectId, this.kind(ref))) {
      if (
        versionOf(d, this.kind(ref)) === version &&
        !FAILED.has(d.readyState)
      ) {
        return d;
      }
    }
    return undefined;
  }

  private async readyDeployment(ref: TargetRef, version: string) {
    const d = await this.findDeployment(ref, version);
    if (!d || d.readyState !== 'READY') {
      throw new NotFoundError(
        `No READY Vercel deployment of ${ref.service} ${version}`,
      );
    }
    return d;
  }

  /**
   * The release tags Vercel has a READY build of (production deployments; a preview
   * environment also its own previews, and builds a preview of a tag that only has a
   * production build), and the repository's release tags on GitHub, which deploying
   * builds. GitHub not answering leaves Vercel's builds, with a warning.
   */
  async versions(ref: TargetRef): Promise<string[]> {
    const project = this.project(ref);
    const kinds =
      this.kind(ref) === 'preview'
        ? (['preview', 'production'] as const)
        : (['production'] as const);
    const found = new Set<string>();
    for (const kind of kinds) {
      for await (const d of this.deploymentsOf(project.projectId, kind)) {
        const version = versionOf(d, kind);
        if (
          d.readyState === 'READY' &&
          version &&
          RELEASE_VERSION.test(version)
        ) {
          found.add(version);
        }
      }
    }
    const repository = this.o.releases?.repository(
      `url:https://github.com/${project.repo.org}/${project.repo.repo}`,
    );
    if (repository) {
      try {
        for (const v of await this.o.releases!.versions(repository)) {
          if (RELEASE_VERSION.test(v)) found.add(v);
        }
      } catch (e) {
        this.o.logger.warn(
          `Vercel ${ref.service}: only the tags Vercel built are offered: ${
            (e as Error).message
          }`,
        );
      }
    }
    return releasesNewestFirst([...found]);
  }

  async deploy(ref: TargetRef, version: string): Promise<void> {
    const project = this.project(ref);
    const preview = this.kind(ref) === 'preview';
    this.analysed.set(refKey(ref), {
      ...this.analysed.get(refKey(ref)),
      version,
    });
    const existing = await this.findDeployment(ref, version);
    if (existing?.readyState === 'READY') return;
    let id = existing?.id;
    if (!id) {
      if (!preview) {
        // A production deployment stays staged, serving only its unique URL, when the
        // project does not assign its domains automatically; promote moves them.
        await vercelCall('Turning off automatic domain assignment', () =>
          this.o.client.projects.updateProject({
            idOrName: project.projectId,
            teamId: this.o.teamId,
            requestBody: { autoAssignCustomDomains: false },
          }),
        );
      }
      const created = await vercelCall(
        `Creating a Vercel deployment of ${version}`,
        () =>
          this.o.client.deployments.createDeployment({
            teamId: this.o.teamId,
            requestBody: {
              name: ref.service,
              project: project.projectId,
              // A preview has no target; it takes traffic when the alias points at it.
              ...(preview ? {} : { target: 'production' }),
              gitSource: {
                type: 'github',
                org: project.repo.org,
                repo: project.repo.repo,
                ref: `${project.tagPrefix ?? ''}${version}`,
              },
              meta: { ibiasVersion: version },
            },
          }),
      );
      id = created.id;
      this.o.records.know(id);
      this.o.logger.info(
        `Vercel ${preview ? 'preview' : 'deployment'} ${id} of ${
          ref.service
        } ${version} created`,
      );
    }
    await this.waitUntilReady(ref, version, id);
  }

  /** The preview the environment's alias points at, or undefined. */
  private async aliased(ref: TargetRef) {
    const alias = this.project(ref).preview!.alias;
    try {
      const a = await this.o.client.aliases.getAlias({
        idOrAlias: alias,
        teamId: this.o.teamId,
      });
      return a.deploymentId ?? undefined;
    } catch (e) {
      if (e instanceof SDKError && e.statusCode === 404) return undefined;
      throw new Error(
        `Reading the Vercel alias ${alias} failed: ${explainVercelError(e)}`,
      );
    }
  }

  /** Points the environment's alias at the version's preview. */
  private async pointAlias(ref: TargetRef, version: string) {
    const alias = this.project(ref).preview!.alias;
    const d = await this.readyDeployment(ref, version);
    if ((await this.aliased(ref)) === d.id) return;
    await vercelCall(`Pointing ${alias} at ${ref.service} ${version}`, () =>
      this.o.client.aliases.assignAlias({
        id: d.id,
        teamId: this.o.teamId,
        requestBody: { alias, redirect: null },
      }),
    );
    this.o.logger.info(
      `Vercel ${ref.service}: ${alias} → ${version} (${d.id})`,
    );
  }

  /** setTraffic of a preview environment: the alias moves, nothing splits. */
  private async previewTraffic(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ) {
    if (weight >= 100) return this.pointAlias(ref, version);
    if (weight <= 0) {
      if (stable) return this.pointAlias(ref, stable);
      const d = await this.findDeployment(ref, version);
      if (d && (await this.aliased(ref)) === d.id) {
        throw new Error(
          `${version} is the only preview of ${ref.service} behind ${
            this.project(ref).preview!.alias
          }: there is nothing to move its traffic to`,
        );
      }
      return undefined;
    }
    throw new InputError(
      `${ref.environment} of ${ref.service} is a Vercel preview behind an alias, which cannot split traffic (Rolling Releases are for production): deploy it blue-green`,
    );
  }

  private async waitUntilReady(ref: TargetRef, version: string, id: string) {
    const deadline = Date.now() + this.o.buildTimeoutMs;
    // Short builds are seen soon; long ones are not polled more than every interval.
    let wait = Math.min(250, this.o.pollIntervalMs ?? 2_000);
    for (;;) {
      const d = await vercelCall('Reading a Vercel deployment', () =>
        this.o.client.deployments.getDeployment({
          idOrUrl: id,
          teamId: this.o.teamId,
        }),
      );
      if (d.readyState === 'READY') return;
      if (FAILED.has(d.readyState)) {
        const why = [d.errorCode, d.errorMessage].filter(Boolean).join(': ');
        throw new Error(
          `The Vercel build of ${ref.service} ${version} (${id}) ended in ${
            d.readyState
          }${why ? ` (${why})` : ''}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `The Vercel build of ${ref.service} ${version} (${id}) is still ${
            d.readyState
          } after ${Math.round(this.o.buildTimeoutMs / 1000)} s`,
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, this.o.pollIntervalMs ?? 2_000);
    }
  }

  private probe(host: string, path: string): Promise<ProbeResult> {
    return probeOnce(
      `${this.o.resolveUrl(host)}${path}`,
      `GET ${path}`,
      this.o.probeTimeoutMs,
    );
  }

  private async probeVersion(ref: TargetRef, version: string, path: string) {
    const d = await this.findDeployment(ref, version);
    if (!d || d.readyState !== 'READY') {
      return [
        {
          query: `GET ${path}`,
          passed: false,
          detail: `no READY Vercel deployment of ${version}`,
        },
      ];
    }
    return [await this.probe(d.url, path)];
  }

  /** `GET /health` on the deployment's unique URL. */
  healthChecks(ref: TargetRef, version: string) {
    return this.probeVersion(ref, version, '/health');
  }

  /** `GET /` on the deployment's unique URL. */
  smokeTests(ref: TargetRef, version: string) {
    return this.probeVersion(ref, version, '/');
  }

  private async productionOf(projectId: string) {
    const project = await vercelCall('Reading the Vercel project', () =>
      this.o.client.projects.getProject({
        idOrName: projectId,
        teamId: this.o.teamId,
      }),
    );
    return project.targets?.production;
  }

  /**
   * Gives a deployment the production domains: instant rollback when it is older than
   * the one serving now and served production before, else promote.
   */
  private async makeProduction(ref: TargetRef, version: string) {
    const { projectId } = this.project(ref);
    // An active rolling release first: a rollback must abort it even when the stable
    // version's deployment can no longer be found by its version.
    const active = await this.activeRelease(projectId);
    const found = await this.findDeployment(ref, version);
    const d = found?.readyState === 'READY' ? found : undefined;
    if (active) {
      if (d && active.canaryDeployment?.id === d.id) {
        await this.completeRelease(ref, projectId, d.id, version);
        return;
      }
      // How the CLI aborts a rolling release: a rollback to the deployment to keep,
      // the version's own, else the one the release started from.
      const keep = d?.id ?? active.currentDeployment?.id;
      if (!keep) {
        throw new NotFoundError(
          `No READY Vercel deployment of ${ref.service} ${version} to abort the rolling release to`,
        );
      }
      await this.rawCall(
        `Aborting the rolling release of ${ref.service}`,
        'POST',
        `/v9/projects/${encodeURIComponent(
          projectId,
        )}/rollback/${encodeURIComponent(keep)}`,
        {},
      );
      this.o.logger.info(
        `Vercel ${ref.service}: rolling release aborted, traffic back on ${
          d ? version : `the deployment it started from (${keep})`
        }`,
      );
      if (!d) {
        throw new NotFoundError(
          `The rolling release of ${ref.service} was aborted to ${keep}, but no READY Vercel deployment of ${version} was found`,
        );
      }
      return;
    }
    if (!d) {
      throw new NotFoundError(
        `No READY Vercel deployment of ${ref.service} ${version}`,
      );
    }
    const current = await this.productionOf(projectId);
    if (current?.id === d.id) return;
    const older =
      current?.createdAt !== undefined && d.createdAt < current.createdAt;
    if (older) {
      try {
        await this.o.client.projects.requestRollback({
          projectId,
          deploymentId: d.id,
          teamId: this.o.teamId,
          description: `IBIAS deployments: back to ${version}`,
        });
        this.o.logger.info(
          `Vercel ${ref.service}: instant rollback to ${version} (${d.id})`,
        );
        return;
      } catch (e) {
        // 400: it never served production (staged, then abandoned); promote it instead.
        if (!(e instanceof SDKError && e.statusCode === 400)) {
          throw new Error(
            `Rolling ${
              ref.service
            } back to ${version} failed: ${explainVercelError(e)}`,
          );
        }
      }
    }
    await vercelCall(`Promoting ${ref.service} ${version}`, () =>
      this.o.client.projects.requestPromote({
        projectId,
        deploymentId: d.id,
        teamId: this.o.teamId,
      }),
    );
    // With Rolling Releases enabled on the project (a canary here once did), Vercel
    // turns a promotion into a rolling release at its first stage: a blue-green switch
    // takes all traffic at once, so it is completed now.
    const started = await this.activeRelease(projectId);
    if (started?.canaryDeployment?.id === d.id) {
      await this.completeRelease(ref, projectId, d.id, version);
    }
    // Vercel's promotion is a job: wait (bounded) until production is the deployment.
    const deadline = Date.now() + PROMOTE_WAIT_MS;
    for (;;) {
      const now = await this.productionOf(projectId);
      if (!now || now.id === d.id) break;
      if (Date.now() > deadline) {
        throw new ConflictError(
          `Vercel did not give ${ref.service} ${version} (${
            d.id
          }) production within ${PROMOTE_WAIT_MS / 1000} s: ${
            now.id
          } still serves it`,
        );
      }
      await sleep(Math.min(500, this.o.pollIntervalMs ?? 500));
    }
    this.o.logger.info(`Vercel ${ref.service}: promoted ${version} (${d.id})`);
  }

  private async completeRelease(
    ref: TargetRef,
    projectId: string,
    deploymentId: string,
    version: string,
  ) {
    await vercelCall(`Completing the rolling release of ${version}`, () =>
      this.o.client.rollingRelease.completeRollingRelease({
        idOrName: projectId,
        teamId: this.o.teamId,
        requestBody: { canaryDeploymentId: deploymentId },
      }),
    );
    this.o.logger.info(
      `Vercel ${ref.service}: rolling release of ${version} completed`,
    );
  }

  async setTraffic(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ): Promise<void> {
    this.analysed.set(refKey(ref), { version, stable });
    if (this.kind(ref) === 'preview') {
      await this.previewTraffic(ref, version, weight, stable);
      return;
    }
    if (weight >= 100) {
      await this.makeProduction(ref, version);
      return;
    }
    if (weight <= 0) {
      if (stable) {
        await this.makeProduction(ref, stable);
        return;
      }
      const { projectId } = this.project(ref);
      const d = await this.findDeployment(ref, version);
      const current = await this.productionOf(projectId);
      if (d && current?.id === d.id) {
        throw new Error(
          `${version} is the only production deployment of ${ref.service} on Vercel: there is nothing to move its traffic to`,
        );
      }
      return;
    }
    await this.rollingStage(ref, version, weight, stable);
  }

  async traffic(ref: TargetRef): Promise<Record<string, number>> {
    const { projectId } = this.project(ref);
    if (this.kind(ref) === 'preview') {
      const id = await this.aliased(ref);
      const version = id ? await this.versionOfId(id) : undefined;
      return version ? { [version]: 100 } : {};
    }
    const active = await this.activeRelease(projectId);
    if (active?.canaryDeployment && active.currentDeployment) {
      const pct =
        active.currentCanaryPercentage ??
        active.activeStage?.targetPercentage ??
        0;
      const canary = await this.versionOfId(active.canaryDeployment.id);
      const current = await this.versionOfId(active.currentDeployment.id);
      if (canary && current) return { [current]: 100 - pct, [canary]: pct };
    }
    const production = await this.productionOf(projectId);
    if (!production) return {};
    if (production.alias?.[0]) {
      this.productionUrls.set(refKey(ref), `https://${production.alias[0]}`);
    }
    let version = production.meta ? versionOf(production) : undefined;
    if (!version) {
      const d = await vercelCall('Reading a Vercel deployment', () =>
        this.o.client.deployments.getDeployment({
          idOrUrl: production.id,
          teamId: this.o.teamId,
        }),
      );
      version = 'meta' in d ? versionOf(d) : undefined;
    }
    return version ? { [version]: 100 } : {};
  }

  /**
   * What the version's deployment served since `sinceMs`. When Vercel's log drains
   * delivered at least MIN_DRAINED_REQUESTS of its real callers' requests (the production
   * domains during a rolling release or after a promotion), their error rate is the
   * evidence and the p95 is the portal's own timed load (drains carry no duration):
   * source `log-drain`. Otherwise the portal's timed load alone: source `target-probe`.
   */
  async metrics(ref: TargetRef, version: string, sinceMs: number) {
    this.project(ref); // a service without a project is refused here
    const since = new Date(sinceMs).toISOString();
    const measured = this.probeRecords.metrics(
      sampleKey(ref, version),
      sinceMs,
    );
    const load = this.loads.get(refKey(ref));
    const sent = load?.targets.find(t => t.version === version);
    const profile = load?.profile ?? this.profileFor(ref);
    const what = `${profile.method} ${profile.path}`;
    const timeoutMs = this.o.probeTimeoutMs ?? 5_000;
    const probed = `portal probe load ${what} at ${profile.rps} rps on ${
      sent
        ? `${sent.name ?? sent.url} (${version})`
        : `the deployment of ${version}`
    } since ${since}: ${
      measured.requests
    } requests timed by the portal, errors = 5xx or no answer within ${timeoutMs} ms, p95 nearest-rank`;
    let drained: { id: string; requests: number; errors: number } | undefined;
    let unavailable: string | undefined;
    try {
      const d = await this.findDeployment(ref, version);
      if (d) drained = { id: d.id, ...this.o.records.counts(d.id, sinceMs) };
    } catch (e) {
      unavailable = `Vercel log drain counts unavailable: ${
        (e as Error).message
      }`;
    }
    if (drained && drained.requests >= MIN_DRAINED_REQUESTS) {
      return {
        requests: drained.requests,
        errors: drained.errors,
        p95Ms: measured.p95Ms,
        query: `Vercel log drains of ${drained.id} (${version}) since ${since}: ${drained.requests} requests of real callers, ${drained.errors} answered 5xx; p95 from the ${probed}`,
        source: 'log-drain' as const,
        detail: `error rate from ${drained.requests} drained requests (${drained.errors} 5xx); p95 from ${measured.requests} requests the portal timed (log drains carry no duration)`,
      };
    }
    const drain =
      unavailable ??
      `Vercel log drains counted ${drained?.requests ?? 0} requests (${
        drained?.errors ?? 0
      } answered 5xx) to ${
        drained?.id ?? version
      }: fewer than ${MIN_DRAINED_REQUESTS}, so the portal's own load decides`;
    return {
      ...measured,
      query: `P${probed.slice(1)}`,
      source: 'target-probe' as const,
      detail: sent
        ? drain
        : `${drain}; the portal sent no probe load to ${version}`,
    };
  }

  private profileFor(ref: TargetRef): ProbeLoadProfile {
    return this.o.load?.[ref.environment] ?? DEFAULT_VERCEL_LOAD;
  }

  /**
   * Starts (or stops) the portal's own timed load against the unique URL of the version
   * under analysis: the one last given to deploy or setTraffic. Without one (after a
   * restart), every READY version of the service but the stable one is loaded.
   */
  /**
   * After a restart this target does not know the version under analysis: the canary of
   * an active rolling release, else the newest versions Vercel has built that do not
   * take the traffic now.
   */
  private async unknownAnalysed(ref: TargetRef): Promise<string[]> {
    const { projectId } = this.project(ref);
    if (this.kind(ref) === 'production') {
      const active = await this.activeRelease(projectId);
      const canary = active?.canaryDeployment
        ? await this.versionOfId(active.canaryDeployment.id)
        : undefined;
      if (canary) return [canary];
    }
    const serving = Object.keys(await this.traffic(ref));
    const built: string[] = [];
    for await (const d of this.deploymentsOf(projectId, this.kind(ref))) {
      const version = versionOf(d, this.kind(ref));
      if (
        d.readyState === 'READY' &&
        version &&
        !serving.includes(version) &&
        !built.includes(version)
      ) {
        built.push(version);
        if (built.length >= MAX_UNKNOWN_LOAD_TARGETS) break;
      }
    }
    return built;
  }

  async setLoad(ref: TargetRef, on: boolean): Promise<void> {
    const key = refKey(ref);
    this.probeLoad.stop(key);
    // What the last load sent stays known until the next starts: metrics name it.
    if (!on) return;
    this.loads.delete(key);
    const profile = this.profileFor(ref);
    if (profile.rps <= 0) return;
    const known = this.analysed.get(key);
    const versions = known ? [known.version] : await this.unknownAnalysed(ref);
    const targets: ProbeLoadTarget[] = [];
    for (const version of versions) {
      const d = await this.findDeployment(ref, version);
      if (!d || d.readyState !== 'READY') continue;
      targets.push({
        key: sampleKey(ref, version),
        version,
        url: this.o.resolveUrl(d.url).replace(/\/+$/, ''),
        name: d.url,
      });
    }
    if (targets.length === 0) {
      this.o.logger.warn(
        `Vercel ${ref.service}: no READY deployment of ${
          versions.join(', ') || 'any version'
        } to send the analysis load to`,
      );
      return;
    }
    this.probeLoad.start(key, targets, profile);
    this.loads.set(key, { profile, targets });
  }

  /**
   * Whether what takes the environment's traffic (the production deployment, or the
   * preview behind the alias) answers `GET /health` now; unknown when nothing does.
   */
  async health(ref: TargetRef): Promise<Health> {
    const link = this.link(ref);
    if (!link) return 'unknown';
    let host: string | undefined;
    try {
      if (link.preview) {
        host = (await this.aliased(ref)) ? link.preview.alias : undefined;
      } else {
        host = (await this.productionOf(link.projectId))?.url;
      }
    } catch {
      return 'unknown';
    }
    if (!host) return 'unknown';
    const r = await this.probe(host, '/health');
    return r.passed ? 'healthy' : 'unhealthy';
  }

  async retain(): Promise<void> {
    // Vercel keeps every deployment; the previous ones are instant-rollback candidates.
  }

  async stop(): Promise<void> {
    this.probeLoad.stopAll();
    this.loads.clear();
  }

  url(ref: TargetRef): string | undefined {
    const link = this.link(ref);
    return (
      link?.productionUrl ??
      (link?.preview ? `https://${link.preview.alias}` : undefined) ??
      this.productionUrls.get(refKey(ref))
    );
  }

  async dependencies(): Promise<DependencyCheck[]> {
    const first = Object.values(this.o.projects)[0];
    const started = Date.now();
    if (!first) return [];
    try {
      await this.o.client.projects.getProject({
        idOrName: first.projectId,
        teamId: this.o.teamId,
      });
      return [{ name: 'api', status: 'ok', latencyMs: Date.now() - started }];
    } catch (e) {
      return [
        {
          name: 'api',
          status: 'down',
          latencyMs: Date.now() - started,
          detail:
            e instanceof SDKError ? `answered ${e.statusCode}` : 'unreachable',
        },
      ];
    }
  }
}
