import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverDrainBatch, drainEntry, type DrainDelivery } from './logDrain';
import {
  failsAt,
  shaOf,
  urlHash,
  vercelId,
  type Alias,
  type Deployment,
  type GithubLink,
  type Project,
  type RollingRelease,
  type RollingStage,
  type ServedRequest,
  type Target,
} from './model';
import {
  aliasBody,
  deploymentBody,
  deploymentListItem,
  projectBody,
  rollingReleaseBody,
  rollingReleaseConfigBody,
  type Team,
} from './responses';

// A loopback Vercel REST API (the real one cannot be reached from these machines) that
// behaves like Vercel where a deploy target depends on it, checked against @vercel/sdk
// 1.28.35: bearer auth and team scope, deployments built from a git ref that go
// QUEUED → BUILDING → READY (or ERROR), production domains that follow promote, instant
// rollback and rolling releases, aliases, Vercel's error bodies, and each READY
// deployment served as a tiny app under its unique URL (by Host header, or under
// `/_deployments/<host>` for clients that cannot set one).

/** A project to create at start. */
export interface LoopbackVercelProject {
  name: string;
  /** Defaults to a random `prj_…`. */
  id?: string;
  /** The GitHub repository the project is linked to; deployments must name it. */
  repo: GithubLink;
  /** Production domains, default `<name>.vercel.app`. */
  domains?: string[];
}

export interface LoopbackVercelOptions {
  /** The bearer token every API request must carry. */
  token: string;
  /** The team the token belongs to (default `team_ibias` / `ibias`). */
  team?: Team;
  projects?: LoopbackVercelProject[];
  /** How long each build step (QUEUED → BUILDING, BUILDING → READY) takes; default 20 ms. */
  buildDelayMs?: number;
  /** Git refs (or shas) whose build fails: the deployment ends in ERROR. */
  failingRefs?: string[];
  /** Git refs (or shas) whose app answers 500 on this share (0–1) of requests other than `/health`. */
  faultyRefs?: Record<string, number>;
  /** The sha each ref resolves to; other refs resolve to a stable made-up sha. */
  refs?: Record<string, string>;
  /** The port to listen on (127.0.0.1); default a free one. */
  port?: number;
}

/** A request the loopback received, API or app. */
export interface RecordedRequest {
  method: string;
  /** The Host header. */
  host: string;
  /** Path and query string. */
  path: string;
  /** The JSON body, parsed; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

type Answer = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

class VercelError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
  answer(): Answer {
    return {
      status: this.status,
      body: {
        error: { code: this.code, message: this.message, ...this.extra },
      },
    };
  }
}

const badRequest = (message: string, code = 'bad_request') =>
  new VercelError(400, code, message);
const notFound = (message: string) =>
  new VercelError(404, 'not_found', message);

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Starts the loopback on a free port of 127.0.0.1. */
export async function startLoopbackVercel(options: LoopbackVercelOptions) {
  const team: Team = options.team ?? { id: 'team_ibias', slug: 'ibias' };
  const buildDelayMs = options.buildDelayMs ?? 20;
  const failing = new Set(options.failingRefs ?? []);
  const faulty = options.faultyRefs ?? {};
  const requests: RecordedRequest[] = [];
  const projects = new Map<string, Project>();
  const deployments = new Map<string, Deployment>();
  const aliases = new Map<string, Alias>();
  const timers = new Set<NodeJS.Timeout>();
  const splitCounters = new Map<string, number>();
  const appCounters = new Map<string, number>();
  let lastCreatedAt = 0;

  // Strictly increasing, so that paging with `until` never skips a deployment.
  const createdNow = () =>
    (lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1));

  function addProject(seed: LoopbackVercelProject) {
    const now = Date.now();
    const project: Project = {
      id: seed.id ?? vercelId('prj'),
      name: seed.name,
      accountId: team.id,
      createdAt: now,
      updatedAt: now,
      link: seed.repo,
      domains: seed.domains ?? [`${seed.name}.vercel.app`],
      autoAssignCustomDomains: true,
      productionDeploymentId: null,
      lastAliasRequest: null,
      rollingReleaseConfig: null,
      rollingRelease: null,
    };
    projects.set(project.id, project);
    return project;
  }
  for (const seed of options.projects ?? []) addProject(seed);

  function findProject(idOrName: string) {
    const project =
      projects.get(idOrName) ??
      [...projects.values()].find(p => p.name === idOrName);
    if (!project) throw notFound('Project not found');
    return project;
  }

  function findDeployment(idOrUrl: string) {
    const host = idOrUrl.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const deployment =
      deployments.get(idOrUrl) ??
      [...deployments.values()].find(d => d.url === host) ??
      deployments.get(aliases.get(host)?.deploymentId ?? '');
    if (!deployment) throw notFound('Deployment not found');
    return deployment;
  }

  const aliasesOf = (d: Deployment) =>
    [...aliases.values()]
      .filter(a => a.deploymentId === d.id)
      .map(a => a.alias);

  const activeRelease = (p: Project) =>
    p.rollingRelease?.state === 'ACTIVE' ? p.rollingRelease : null;

  const isRolling = (d: Deployment) => {
    const r = activeRelease(projects.get(d.projectId)!);
    return r?.canaryDeploymentId === d.id;
  };

  function pointAlias(host: string, d: Deployment) {
    const now = Date.now();
    const previous = aliases.get(host);
    aliases.set(host, {
      uid: previous?.uid ?? vercelId('alias'),
      alias: host,
      deploymentId: d.id,
      projectId: d.projectId,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
    return previous?.deploymentId;
  }

  /** Moves the production domains to `d`; `type` records it as an alias request. */
  function setProduction(
    p: Project,
    d: Deployment,
    type?: 'promote' | 'rollback',
  ) {
    const from = p.productionDeploymentId;
    p.productionDeploymentId = d.id;
    p.updatedAt = Date.now();
    d.promoted = true;
    for (const domain of p.domains) pointAlias(domain, d);
    if (type) {
      p.lastAliasRequest = {
        fromDeploymentId: from,
        toDeploymentId: d.id,
        jobStatus: 'succeeded',
        requestedAt: p.updatedAt,
        type,
      };
    }
  }

  function later(fn: () => void) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, buildDelayMs);
    timers.add(timer);
  }

  function build(d: Deployment) {
    later(() => {
      if (d.readyState !== 'QUEUED') return;
      d.readyState = 'BUILDING';
      d.buildingAt = Date.now();
      later(() => {
        if (d.readyState !== 'BUILDING') return;
        d.readyAt = Date.now();
        if (failing.has(d.gitSource.ref) || failing.has(d.gitSource.sha)) {
          d.readyState = 'ERROR';
          d.errorCode = 'BUILD_UTILS_SPAWN_1';
          d.errorMessage = 'Command "npm run build" exited with 1';
          return;
        }
        d.readyState = 'READY';
        const p = projects.get(d.projectId)!;
        // A production deployment takes the production domains when it is ready, unless
        // the project stages them (autoAssignCustomDomains off, as after an instant
        // rollback) or rolls them out (a rolling release is configured and a production
        // deployment already serves).
        const staged =
          !p.autoAssignCustomDomains ||
          (p.rollingReleaseConfig !== null &&
            p.productionDeploymentId !== null);
        if (d.target === 'production' && !staged) setProduction(p, d);
      });
    });
  }

  function createDeployment(body: unknown): Answer {
    if (!isObject(body)) throw badRequest('Invalid request: should be object.');
    if (typeof body.name !== 'string' || !body.name) {
      throw badRequest('Invalid request: missing required property `name`.');
    }
    const project = findProject(
      typeof body.project === 'string' ? body.project : body.name,
    );
    const target: Target = body.target ?? null;
    if (target !== null && target !== 'production' && target !== 'staging') {
      throw badRequest(`Custom environment "${target}" was not found.`);
    }
    const meta: Record<string, string> = {};
    if (body.meta !== undefined) {
      if (!isObject(body.meta)) {
        throw badRequest('Invalid request: `meta` should be object.');
      }
      for (const [k, v] of Object.entries(body.meta)) {
        if (typeof v !== 'string') {
          throw badRequest(`Invalid request: \`meta.${k}\` should be string.`);
        }
        meta[k] = v;
      }
    }
    const git = body.gitSource;
    if (!isObject(git)) {
      throw badRequest(
        'The loopback only builds deployments from a `gitSource`.',
      );
    }
    if (git.type !== 'github') {
      throw badRequest(
        `Invalid request: \`gitSource.type\` "${git.type}" is not supported by the loopback (github only).`,
      );
    }
    if (typeof git.ref !== 'string' || !git.ref) {
      throw badRequest(
        'Invalid request: `gitSource` missing required property `ref`.',
      );
    }
    const link = project.link;
    const sameRepo =
      git.repoId !== undefined
        ? String(git.repoId) === String(link.repoId)
        : git.org === link.org && git.repo === link.repo;
    if (
      (git.repoId === undefined &&
        (typeof git.org !== 'string' || typeof git.repo !== 'string')) ||
      !sameRepo
    ) {
      throw badRequest(
        `The provided GitHub repository does not match the repository linked to the project ${project.name}.`,
        'incorrect_git_source_info',
      );
    }
    const sha =
      typeof git.sha === 'string' && git.sha
        ? git.sha
        : options.refs?.[git.ref] ?? shaOf(link.org, link.repo, git.ref);
    const d: Deployment = {
      id: vercelId('dpl'),
      url: `${project.name}-${urlHash()}-${team.slug}.vercel.app`,
      name: project.name,
      projectId: project.id,
      target,
      readyState: 'QUEUED',
      createdAt: createdNow(),
      buildingAt: null,
      readyAt: null,
      gitSource: {
        type: 'github',
        org: link.org,
        repo: link.repo,
        repoId: link.repoId,
        ref: git.ref,
        sha,
      },
      meta: {
        githubCommitOrg: link.org,
        githubCommitRepo: link.repo,
        githubCommitRepoId: String(link.repoId),
        githubCommitRef: git.ref,
        githubCommitSha: sha,
        githubDeployment: '1',
        ...meta,
      },
      errorCode: null,
      errorMessage: null,
      promoted: false,
      served: [],
      drained: 0,
    };
    deployments.set(d.id, d);
    build(d);
    return { status: 200, body: deploymentBody(d, team, [], false) };
  }

  function listDeployments(query: URLSearchParams): Answer {
    const limit = Number(query.get('limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw badRequest(
        'Invalid request: query.limit should be <= 100 and >= 1.',
      );
    }
    const projectIds = [
      ...query.getAll('projectId'),
      ...query.getAll('projectIds'),
    ];
    const appName = query.get('app');
    const target = query.get('target');
    const states = query.get('state')?.split(',');
    const sha = query.get('sha');
    const branch = query.get('branch');
    const until = query.get('until') ? Number(query.get('until')) : undefined;
    const since = query.get('since') ? Number(query.get('since')) : undefined;
    const rollbackCandidate = query.get('rollbackCandidate') === 'true';
    const ids = projectIds.map(id => findProject(id).id);
    const matching = [...deployments.values()]
      .filter(
        d =>
          (!ids.length || ids.includes(d.projectId)) &&
          (!appName || d.name === appName) &&
          // Previews have no target (null); `target=preview` lists them.
          (!target ||
            d.target === target ||
            (target === 'preview' && d.target === null)) &&
          (!states || states.includes(d.readyState)) &&
          (!sha || d.gitSource.sha === sha) &&
          (!branch || d.gitSource.ref === branch) &&
          (until === undefined || d.createdAt < until) &&
          (since === undefined || d.createdAt > since) &&
          (!rollbackCandidate || (d.promoted && d.readyState === 'READY')),
      )
      .sort((a, b) => b.createdAt - a.createdAt);
    const page = matching.slice(0, limit);
    return {
      status: 200,
      body: {
        deployments: page.map(d =>
          deploymentListItem(d, team, aliasesOf(d), isRolling(d)),
        ),
        pagination: {
          count: page.length,
          next:
            matching.length > limit ? page[page.length - 1].createdAt : null,
          prev: page.length ? page[0].createdAt : null,
        },
      },
    };
  }

  /** The project and one of its deployments (400 when it is another project's). */
  function projectDeployment(projectId: string, deploymentId: string) {
    const p = findProject(projectId);
    const d = findDeployment(deploymentId);
    if (d.projectId !== p.id) {
      throw badRequest(
        `Deployment ${d.id} does not belong to project ${p.name}.`,
      );
    }
    return { p, d };
  }

  function promote(projectId: string, deploymentId: string): Answer {
    const { p, d } = projectDeployment(projectId, deploymentId);
    if (d.readyState !== 'READY') {
      throw badRequest(
        `Deployment ${d.id} cannot be promoted: its state is ${d.readyState}.`,
      );
    }
    if (d.target !== 'production') {
      throw badRequest(
        `Deployment ${d.id} is not a production deployment; the loopback does not rebuild previews for production.`,
      );
    }
    const active = activeRelease(p);
    if (active) {
      // Vercel queues the promotion until the active rolling release ends.
      active.queuedDeploymentId = d.id;
      active.updatedAt = Date.now();
      return { status: 202 };
    }
    if (
      p.rollingReleaseConfig !== null &&
      p.productionDeploymentId !== null &&
      p.productionDeploymentId !== d.id
    ) {
      // With Rolling Releases enabled, a promotion rolls out: the deployment starts at the
      // first stage, and the rest waits for approvals (or a complete).
      rollingAction(p, 'start', { canaryDeploymentId: d.id });
      return { status: 201 };
    }
    p.autoAssignCustomDomains = true;
    setProduction(p, d, 'promote');
    return { status: 201 };
  }

  /** Ends a rolling release; a completed one hands production to the canary. */
  function finishRelease(
    p: Project,
    r: RollingRelease,
    state: 'COMPLETE' | 'ABORTED',
  ) {
    r.state = state;
    r.updatedAt = Date.now();
    if (state === 'COMPLETE') {
      r.activeIndex = r.stages.length - 1;
      p.autoAssignCustomDomains = true;
      setProduction(p, deployments.get(r.canaryDeploymentId)!, 'promote');
      const queued =
        r.queuedDeploymentId && deployments.get(r.queuedDeploymentId);
      if (queued) setProduction(p, queued, 'promote');
    }
  }

  function rollback(projectId: string, deploymentId: string): Answer {
    const { p, d } = projectDeployment(projectId, deploymentId);
    if (d.readyState !== 'READY') {
      throw badRequest(
        `Cannot roll back to deployment ${d.id}: its state is ${d.readyState}.`,
      );
    }
    if (!d.promoted) {
      throw badRequest(
        `Cannot roll back to deployment ${d.id}: it was never a production deployment.`,
      );
    }
    const active = activeRelease(p);
    if (active) {
      // How the CLI aborts a rolling release: a rollback while one is active.
      finishRelease(p, active, 'ABORTED');
    } else if (p.productionDeploymentId === d.id) {
      throw badRequest(
        `Deployment ${d.id} is already the current production deployment.`,
      );
    }
    // After an instant rollback Vercel stops assigning the production domains to new
    // production deployments until one is promoted.
    p.autoAssignCustomDomains = false;
    setProduction(p, d, 'rollback');
    return { status: 201 };
  }

  function assignAlias(id: string, body: unknown): Answer {
    const d = findDeployment(id);
    if (!isObject(body) || typeof body.alias !== 'string' || !body.alias) {
      throw badRequest('Invalid request: missing required property `alias`.');
    }
    const host = body.alias.toLowerCase();
    if (
      !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(
        host,
      )
    ) {
      throw badRequest(
        `The alias "${body.alias}" is not a valid hostname.`,
        'invalid_alias',
      );
    }
    const existing = aliases.get(host);
    if (existing && existing.projectId !== d.projectId) {
      throw new VercelError(
        409,
        'alias_in_use',
        `The alias "${host}" is already in use by another project.`,
      );
    }
    const oldDeploymentId = pointAlias(host, d);
    const a = aliases.get(host)!;
    return {
      status: 200,
      body: {
        uid: a.uid,
        alias: a.alias,
        created: new Date(a.createdAt).toISOString(),
        ...(oldDeploymentId ? { oldDeploymentId } : {}),
      },
    };
  }

  function parseStages(stages: unknown): RollingStage[] {
    if (!Array.isArray(stages) || stages.length < 2) {
      throw badRequest('Rolling releases need at least two stages.');
    }
    let previous = 0;
    const parsed = stages.map((s: unknown, i) => {
      const stage = isObject(s) ? s : {};
      const pct = stage.targetPercentage;
      if (!Number.isInteger(pct) || pct <= previous || pct > 100) {
        throw badRequest(
          `Invalid request: \`stages[${i}].targetPercentage\` must be an integer above the previous stage's and at most 100.`,
        );
      }
      previous = pct;
      return {
        targetPercentage: pct as number,
        ...(typeof stage.requireApproval === 'boolean'
          ? { requireApproval: stage.requireApproval }
          : {}),
        ...(typeof stage.duration === 'number'
          ? { duration: stage.duration }
          : {}),
        ...(typeof stage.linearShift === 'boolean'
          ? { linearShift: stage.linearShift }
          : {}),
      };
    });
    if (parsed[parsed.length - 1].targetPercentage !== 100) {
      throw badRequest('The last stage of a rolling release must be 100%.');
    }
    return parsed;
  }

  function updateRollingConfig(p: Project, body: unknown): Answer {
    if (!isObject(body) || typeof body.enabled !== 'boolean') {
      throw badRequest('Invalid request: missing required property `enabled`.');
    }
    if (!body.enabled) {
      const active = activeRelease(p);
      if (active) {
        const action = body.disableRolloutAction;
        if (action !== 'abort' && action !== 'complete') {
          throw badRequest(
            'A rolling release is active: `disableRolloutAction` must be "abort" or "complete".',
          );
        }
        finishRelease(p, active, action === 'abort' ? 'ABORTED' : 'COMPLETE');
      }
      p.rollingReleaseConfig = null;
      return { status: 200, body: rollingReleaseConfigBody(null) };
    }
    const advancementType = body.advancementType ?? 'manual-approval';
    if (
      advancementType !== 'manual-approval' &&
      advancementType !== 'automatic'
    ) {
      throw badRequest(
        'Invalid request: `advancementType` should be "manual-approval" or "automatic".',
      );
    }
    p.rollingReleaseConfig = {
      target: 'production',
      advancementType,
      stages: parseStages(body.stages),
      ...(typeof body.canaryResponseHeader === 'boolean'
        ? { canaryResponseHeader: body.canaryResponseHeader }
        : {}),
    };
    return {
      status: 200,
      body: rollingReleaseConfigBody(p.rollingReleaseConfig),
    };
  }

  function canaryOf(p: Project, body: unknown) {
    const active = activeRelease(p);
    if (!active) {
      throw badRequest(`Project ${p.name} has no active rolling release.`);
    }
    if (!isObject(body) || typeof body.canaryDeploymentId !== 'string') {
      throw badRequest(
        'Invalid request: missing required property `canaryDeploymentId`.',
      );
    }
    if (
      findDeployment(body.canaryDeploymentId).id !== active.canaryDeploymentId
    ) {
      throw badRequest(
        `Deployment ${body.canaryDeploymentId} is not the canary of the active rolling release.`,
      );
    }
    return active;
  }

  const releaseBody = (p: Project) =>
    rollingReleaseBody(p.rollingRelease, id => deployments.get(id));

  function rollingAction(p: Project, action: string, body: unknown): Answer {
    if (action === 'start') {
      const config = p.rollingReleaseConfig;
      if (!config) {
        throw badRequest(
          `Rolling releases are not enabled for project ${p.name}.`,
        );
      }
      if (activeRelease(p)) {
        throw new VercelError(
          409,
          'conflict',
          `A rolling release is already active for project ${p.name}.`,
        );
      }
      if (!isObject(body) || typeof body.canaryDeploymentId !== 'string') {
        throw badRequest(
          'Invalid request: missing required property `canaryDeploymentId`.',
        );
      }
      const canary = findDeployment(body.canaryDeploymentId);
      if (
        canary.projectId !== p.id ||
        canary.target !== 'production' ||
        canary.readyState !== 'READY'
      ) {
        throw new VercelError(
          422,
          'unprocessable_entity',
          `Deployment ${canary.id} must be a READY production deployment of project ${p.name}.`,
        );
      }
      if (!p.productionDeploymentId || p.productionDeploymentId === canary.id) {
        throw badRequest(
          `Deployment ${canary.id} has no other production deployment to roll out from.`,
        );
      }
      const now = Date.now();
      p.rollingRelease = {
        state: 'ACTIVE',
        advancementType: config.advancementType,
        stages: config.stages,
        activeIndex: 0,
        currentDeploymentId: p.productionDeploymentId,
        canaryDeploymentId: canary.id,
        queuedDeploymentId: null,
        startedAt: now,
        updatedAt: now,
      };
      return { status: 200, body: releaseBody(p) };
    }
    if (action === 'approve-stage') {
      const active = canaryOf(p, body);
      const { nextStageIndex, activeStageIndex } = body as Record<string, any>;
      if (
        (activeStageIndex !== undefined &&
          activeStageIndex !== active.activeIndex) ||
        nextStageIndex !== active.activeIndex + 1
      ) {
        throw badRequest(
          `Cannot approve stage ${nextStageIndex}: the active stage is ${active.activeIndex}.`,
        );
      }
      if (nextStageIndex === active.stages.length - 1) {
        finishRelease(p, active, 'COMPLETE');
      } else {
        active.activeIndex = nextStageIndex;
        active.updatedAt = Date.now();
      }
      return { status: 200, body: releaseBody(p) };
    }
    // complete
    finishRelease(p, canaryOf(p, body), 'COMPLETE');
    return { status: 200, body: releaseBody(p) };
  }

  type Route = [
    string,
    RegExp,
    (m: string[], query: URLSearchParams, body: unknown) => Answer,
  ];
  const routes: Route[] = [
    ['POST', /^\/v13\/deployments$/, (_, _q, b) => createDeployment(b)],
    [
      'GET',
      /^\/v13\/deployments\/([^/]+)$/,
      ([id]) => {
        const d = findDeployment(id);
        return {
          status: 200,
          body: deploymentBody(d, team, aliasesOf(d), isRolling(d)),
        };
      },
    ],
    [
      'DELETE',
      /^\/v13\/deployments\/([^/]+)$/,
      ([id]) => {
        const d = findDeployment(id);
        if (projects.get(d.projectId)?.productionDeploymentId === d.id) {
          throw badRequest(
            `Deployment ${d.id} serves production and cannot be deleted.`,
          );
        }
        deployments.delete(d.id);
        for (const a of [...aliases.values()]) {
          if (a.deploymentId === d.id) aliases.delete(a.alias);
        }
        return { status: 200, body: { uid: d.id, state: 'DELETED' } };
      },
    ],
    [
      'PATCH',
      /^\/v12\/deployments\/([^/]+)\/cancel$/,
      ([id]) => {
        const d = findDeployment(id);
        if (d.readyState !== 'QUEUED' && d.readyState !== 'BUILDING') {
          throw badRequest(
            `Deployment ${d.id} cannot be canceled: its state is ${d.readyState}.`,
          );
        }
        d.readyState = 'CANCELED';
        return { status: 200, body: deploymentBody(d, team, [], false) };
      },
    ],
    ['GET', /^\/v[67]\/deployments$/, (_, q) => listDeployments(q)],
    [
      'GET',
      /^\/v9\/projects\/([^/]+)$/,
      ([id]) => {
        const p = findProject(id);
        const prod = deployments.get(p.productionDeploymentId ?? '');
        return {
          status: 200,
          body: projectBody(p, prod, prod ? aliasesOf(prod) : []),
        };
      },
    ],
    [
      'PATCH',
      /^\/v9\/projects\/([^/]+)$/,
      ([id], _, b) => {
        const p = findProject(id);
        if (isObject(b) && b.autoAssignCustomDomains !== undefined) {
          if (typeof b.autoAssignCustomDomains !== 'boolean') {
            throw badRequest(
              'Invalid request: `autoAssignCustomDomains` should be boolean.',
            );
          }
          p.autoAssignCustomDomains = b.autoAssignCustomDomains;
          p.updatedAt = Date.now();
        }
        const prod = deployments.get(p.productionDeploymentId ?? '');
        return {
          status: 200,
          body: projectBody(p, prod, prod ? aliasesOf(prod) : []),
        };
      },
    ],
    [
      'POST',
      /^\/v10\/projects\/([^/]+)\/promote\/([^/]+)$/,
      ([p, d]) => promote(p, d),
    ],
    [
      'POST',
      /^\/v(?:1|9)\/projects\/([^/]+)\/rollback\/([^/]+)$/,
      ([p, d]) => rollback(p, d),
    ],
    [
      'POST',
      /^\/v2\/deployments\/([^/]+)\/aliases$/,
      ([id], _, b) => assignAlias(id, b),
    ],
    [
      'GET',
      /^\/v2\/deployments\/([^/]+)\/aliases$/,
      ([id]) => {
        const d = findDeployment(id);
        return {
          status: 200,
          body: {
            aliases: [...aliases.values()]
              .filter(a => a.deploymentId === d.id)
              .map(a => ({
                uid: a.uid,
                alias: a.alias,
                created: new Date(a.createdAt).toISOString(),
                redirect: null,
              })),
          },
        };
      },
    ],
    [
      'GET',
      /^\/v4\/aliases\/([^/]+)$/,
      ([idOrAlias]) => {
        const a =
          aliases.get(idOrAlias.toLowerCase()) ??
          [...aliases.values()].find(x => x.uid === idOrAlias);
        if (!a) throw notFound('The alias was not found');
        return {
          status: 200,
          body: aliasBody(a, deployments.get(a.deploymentId)),
        };
      },
    ],
    [
      'GET',
      /^\/v4\/aliases$/,
      (_, q) => {
        const projectId = q.get('projectId');
        const list = [...aliases.values()]
          .filter(a => !projectId || a.projectId === findProject(projectId).id)
          .sort((a, b) => b.createdAt - a.createdAt);
        return {
          status: 200,
          body: {
            aliases: list.map(a =>
              aliasBody(a, deployments.get(a.deploymentId)),
            ),
            pagination: { count: list.length, next: null, prev: null },
          },
        };
      },
    ],
    [
      'GET',
      /^\/v1\/projects\/([^/]+)\/rolling-release\/config$/,
      ([id]) => ({
        status: 200,
        body: rollingReleaseConfigBody(findProject(id).rollingReleaseConfig),
      }),
    ],
    [
      'PATCH',
      /^\/v1\/projects\/([^/]+)\/rolling-release\/config$/,
      ([id], _, b) => updateRollingConfig(findProject(id), b),
    ],
    [
      'DELETE',
      /^\/v1\/projects\/([^/]+)\/rolling-release\/config$/,
      ([id]) =>
        updateRollingConfig(findProject(id), {
          enabled: false,
          disableRolloutAction: 'abort',
        }),
    ],
    [
      'GET',
      /^\/v1\/projects\/([^/]+)\/rolling-release$/,
      ([id], q) => {
        const p = findProject(id);
        const state = q.get('state');
        if (state && !['ACTIVE', 'COMPLETE', 'ABORTED'].includes(state)) {
          throw badRequest(
            'Invalid request: `state` should be "ACTIVE", "COMPLETE" or "ABORTED".',
          );
        }
        if (state && p.rollingRelease?.state !== state) {
          return { status: 200, body: { rollingRelease: null } };
        }
        return { status: 200, body: releaseBody(p) };
      },
    ],
    [
      'POST',
      /^\/v1\/projects\/([^/]+)\/rolling-release\/(start|approve-stage|complete)$/,
      ([id, action], _, b) => rollingAction(findProject(id), action, b),
    ],
  ];

  function authorize(req: http.IncomingMessage, query: URLSearchParams) {
    const auth = req.headers.authorization;
    if (!auth) {
      throw new VercelError(
        403,
        'forbidden',
        'The request is missing an authentication token',
        { missingToken: true },
      );
    }
    if (auth !== `Bearer ${options.token}`) {
      throw new VercelError(403, 'forbidden', 'Not authorized', {
        invalidToken: true,
      });
    }
    const teamId = query.get('teamId');
    const slug = query.get('slug');
    if ((teamId && teamId !== team.id) || (slug && slug !== team.slug)) {
      throw new VercelError(403, 'forbidden', 'Not authorized');
    }
  }

  function api(
    req: http.IncomingMessage,
    url: URL,
    body: unknown,
    raw: string,
  ): Answer {
    try {
      authorize(req, url.searchParams);
      const path = url.pathname;
      const matches = routes.filter(([, re]) => re.test(path));
      if (!matches.length) {
        throw notFound('The requested API endpoint was not found.');
      }
      const route = matches.find(([method]) => method === req.method);
      if (!route) {
        throw new VercelError(
          405,
          'method_unknown',
          `This endpoint only responds to ${matches
            .map(([m]) => m)
            .join(', ')}`,
        );
      }
      if (raw && body === undefined) {
        throw badRequest('Invalid JSON in the request body.');
      }
      const params = route[1].exec(path)!.slice(1).map(decodeURIComponent);
      return route[2](params, url.searchParams, body);
    } catch (e) {
      if (e instanceof VercelError) return e.answer();
      throw e;
    }
  }

  /** The deployment that answers a hostname, or undefined. */
  function deploymentForHost(host: string): Deployment | undefined {
    const byUrl = [...deployments.values()].find(d => d.url === host);
    if (byUrl) return byUrl;
    const alias = aliases.get(host);
    if (!alias) return undefined;
    const p = projects.get(alias.projectId)!;
    const r = activeRelease(p);
    if (r && p.domains.includes(host)) {
      // The production domains split between current and canary by the active stage.
      const n = (splitCounters.get(p.id) ?? 0) + 1;
      splitCounters.set(p.id, n);
      const pct = r.stages[r.activeIndex].targetPercentage;
      return deployments.get(
        failsAt(n, pct / 100) ? r.canaryDeploymentId : r.currentDeploymentId,
      );
    }
    return deployments.get(alias.deploymentId);
  }

  /** The tiny app every READY deployment serves. */
  function serveDeployment(
    req: http.IncomingMessage,
    host: string,
    path: string,
  ): Answer {
    const d = deploymentForHost(host);
    if (!d || d.readyState !== 'READY') {
      return {
        status: 404,
        body: 'The deployment could not be found on Vercel.\n\nDEPLOYMENT_NOT_FOUND\n',
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'x-vercel-error': 'DEPLOYMENT_NOT_FOUND',
        },
      };
    }
    const version = d.meta.ibiasVersion ?? d.gitSource.ref;
    const pathname = path.split('?')[0];
    let answer: Answer;
    if (req.method === 'GET' && pathname === '/health') {
      answer = { status: 200, body: { status: 'ok', version } };
    } else {
      const share = faulty[d.gitSource.ref] ?? faulty[d.gitSource.sha] ?? 0;
      const n = (appCounters.get(d.id) ?? 0) + 1;
      appCounters.set(d.id, n);
      answer = failsAt(n, share)
        ? { status: 500, body: { error: 'internal_error', version } }
        : { status: 200, body: { ok: true, path: pathname, version } };
    }
    d.served.push({
      id: randomUUID(),
      at: Date.now(),
      method: req.method ?? 'GET',
      host,
      path,
      statusCode: answer.status,
      userAgent: String(req.headers['user-agent'] ?? ''),
    });
    return {
      ...answer,
      headers: {
        'x-vercel-id': `iad1::${d.id.slice(4, 12).toLowerCase()}-${Date.now()}`,
        'x-loopback-deployment-id': d.id,
      },
    };
  }

  const DEPLOYMENT_PREFIX = /^\/_deployments\/([^/]+)(\/.*)?$/;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
      }
      const url = new URL(req.url ?? '/', 'http://loopback');
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      requests.push({
        method: req.method ?? 'GET',
        host,
        path: req.url ?? '/',
        body: body ?? (raw || undefined),
      });
      const prefixed = DEPLOYMENT_PREFIX.exec(url.pathname);
      let answer: Answer;
      if (prefixed) {
        answer = serveDeployment(
          req,
          prefixed[1],
          `${prefixed[2] ?? '/'}${url.search}`,
        );
      } else if (host !== '127.0.0.1' && host !== 'localhost') {
        answer = serveDeployment(req, host, req.url ?? '/');
      } else {
        answer = api(req, url, body, raw);
      }
      const text =
        typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body) ?? '';
      res.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>(r =>
    server.listen(options.port ?? 0, '127.0.0.1', r),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** The API base URL: give it to `new Vercel({ serverURL })`. */
    url,
    team,
    /** Every request received, API and app, in order. */
    requests,
    addProject: (seed: LoopbackVercelProject) => addProject(seed),
    project: (idOrName: string) => findProject(idOrName),
    deployment: (idOrUrl: string) => findDeployment(idOrUrl),
    /** Every deployment, oldest first. */
    deployments: () => [...deployments.values()],
    /**
     * Where to reach a deployment URL or alias from this machine: the loopback serves it
     * under `/_deployments/<host>` (the real host cannot resolve here). A request to the
     * loopback with that `Host` header is served the same way.
     */
    urlFor: (urlOrHost: string) =>
      `${url}/_deployments/${urlOrHost
        .replace(/^https?:\/\//, '')
        .replace(/\/.*$/, '')
        .toLowerCase()}`,
    /** Waits until a deployment leaves QUEUED and BUILDING. */
    async waitForBuild(idOrUrl: string, timeoutMs = 5000) {
      const d = findDeployment(idOrUrl);
      const until = Date.now() + timeoutMs;
      while (d.readyState === 'QUEUED' || d.readyState === 'BUILDING') {
        if (Date.now() > until) {
          throw new Error(`deployment ${d.id} still ${d.readyState}`);
        }
        await new Promise(r => setTimeout(r, 5));
      }
      return d;
    },
    /**
     * Sends one log-drain batch for a deployment as Vercel does: by default the requests
     * its app served since the last drain; or `requests` made up for the batch.
     */
    async drainTo(
      drainUrl: string,
      secret: string,
      opts: {
        deploymentId: string;
        requests?: Array<{
          method?: string;
          path?: string;
          statusCode?: number;
        }>;
        badSignature?: boolean;
        replay?: boolean;
      },
    ): Promise<DrainDelivery> {
      const d = findDeployment(opts.deploymentId);
      const p = projects.get(d.projectId)!;
      let served: ServedRequest[];
      if (opts.requests) {
        served = opts.requests.map(r => ({
          id: randomUUID(),
          at: Date.now(),
          method: r.method ?? 'GET',
          host: d.url,
          path: r.path ?? '/',
          statusCode: r.statusCode ?? 200,
          userAgent: 'ibias-loopback',
        }));
      } else {
        served = d.served.slice(d.drained);
        d.drained = d.served.length;
      }
      return deliverDrainBatch(
        drainUrl,
        secret,
        served.map(r => drainEntry(r, d, p)),
        opts,
      );
    },
    close: () =>
      new Promise<void>(r => {
        for (const t of timers) clearTimeout(t);
        server.close(() => r());
      }),
  };
}

/** The running loopback Vercel API. */
export type LoopbackVercel = Awaited<ReturnType<typeof startLoopbackVercel>>;
