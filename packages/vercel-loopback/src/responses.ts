import type {
  Alias,
  Deployment,
  Project,
  RollingRelease,
  RollingReleaseConfig,
} from './model';

// The bodies Vercel answers with, in the full shape: @vercel/sdk parses responses into a
// union of views and keeps the one with the most fields, so a thin body would parse as the
// minimal view and lose `url`, `meta` and the rest without an error (see the README).

export interface Team {
  id: string;
  slug: string;
}

const CREATOR = { uid: 'usr_ibiasloopback', username: 'ibias-bot' };
const REGION = 'iad1';

function readySubstate(d: Deployment, rolling: boolean) {
  if (d.readyState !== 'READY' || d.target !== 'production') return undefined;
  if (rolling) return 'ROLLING';
  return d.promoted ? 'PROMOTED' : 'STAGED';
}

/** `GET /v13/deployments/{idOrUrl}` and `POST /v13/deployments`. */
export function deploymentBody(
  d: Deployment,
  team: Team,
  aliases: string[],
  rolling: boolean,
) {
  const substate = readySubstate(d, rolling);
  return {
    id: d.id,
    uid: d.id,
    url: d.url,
    name: d.name,
    version: 2,
    readyState: d.readyState,
    status: d.readyState,
    ...(substate ? { readySubstate: substate } : {}),
    type: 'LAMBDAS',
    target: d.target,
    source: 'api-trigger-git-deploy',
    createdAt: d.createdAt,
    // Always present: without it @vercel/sdk 1.28.35 counts the full view as inexact
    // and keeps the minimal one (id, readyState, target), dropping everything else.
    buildingAt: d.buildingAt ?? d.createdAt,
    ...(d.readyAt ? { ready: d.readyAt } : {}),
    bootedAt: d.createdAt,
    createdIn: REGION,
    regions: [REGION],
    public: false,
    plan: 'pro',
    projectId: d.projectId,
    ownerId: team.id,
    team: { id: team.id, name: team.slug, slug: team.slug },
    creator: CREATOR,
    meta: d.meta,
    env: [],
    build: { env: [] },
    projectSettings: {},
    routes: null,
    aliasAssigned: aliases.length > 0,
    alias: aliases,
    aliasError: null,
    ...(d.errorCode
      ? { errorCode: d.errorCode, errorMessage: d.errorMessage }
      : {}),
    inspectorUrl: `https://vercel.com/${team.slug}/${d.name}/${d.id.slice(4)}`,
    isInConcurrentBuildsQueue: false,
    isInSystemBuildsQueue: false,
    buildSkipped: false,
    gitSource: { ...d.gitSource },
  };
}

/** One item of `GET /v6|v7/deployments`. */
export function deploymentListItem(
  d: Deployment,
  team: Team,
  aliases: string[],
  rolling: boolean,
) {
  const substate = readySubstate(d, rolling);
  return {
    uid: d.id,
    name: d.name,
    url: d.url,
    created: d.createdAt,
    createdAt: d.createdAt,
    ...(d.buildingAt ? { buildingAt: d.buildingAt } : {}),
    ...(d.readyAt ? { ready: d.readyAt } : {}),
    source: 'api-trigger-git-deploy',
    state: d.readyState,
    readyState: d.readyState,
    ...(substate ? { readySubstate: substate } : {}),
    type: 'LAMBDAS',
    creator: CREATOR,
    inspectorUrl: `https://vercel.com/${team.slug}/${d.name}/${d.id.slice(4)}`,
    meta: d.meta,
    target: d.target,
    aliasAssigned: aliases.length > 0,
    aliasError: null,
    isRollbackCandidate: d.promoted && d.readyState === 'READY',
    projectId: d.projectId,
  };
}

/** `GET` and `PATCH /v9/projects/{idOrName}`. */
export function projectBody(
  p: Project,
  production: Deployment | undefined,
  productionAliases: string[],
) {
  return {
    id: p.id,
    name: p.name,
    accountId: p.accountId,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    framework: null,
    nodeVersion: '22.x',
    alias: p.domains.map(domain => ({
      domain,
      environment: 'production',
      target: 'PRODUCTION',
      configuredBy: 'A',
      configuredChangedAt: p.createdAt,
      createdAt: p.createdAt,
    })),
    autoAssignCustomDomains: p.autoAssignCustomDomains,
    defaultResourceConfig: { functionDefaultRegions: [REGION] },
    resourceConfig: { functionDefaultRegions: [REGION] },
    deploymentExpiration: {},
    link: {
      type: 'github',
      org: p.link.org,
      repo: p.link.repo,
      repoId: p.link.repoId,
      productionBranch: p.link.productionBranch ?? 'main',
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      deployHooks: [],
      gitCredentialId: '',
      sourceless: true,
    },
    ...(production
      ? {
          targets: {
            production: {
              id: production.id,
              url: production.url,
              createdAt: production.createdAt,
              createdIn: REGION,
              creator: CREATOR,
              readyState: production.readyState,
              target: 'production',
              type: 'LAMBDAS',
              plan: 'pro',
              meta: production.meta,
              alias: productionAliases,
              aliasAssigned: productionAliases.length > 0,
              aliasError: null,
              builds: [],
            },
          },
        }
      : {}),
    lastAliasRequest: p.lastAliasRequest,
    live: false,
  };
}

function rollingDeployment(d: Deployment) {
  return {
    id: d.id,
    name: d.name,
    url: d.url,
    target: d.target,
    source: 'api-trigger-git-deploy',
    createdAt: d.createdAt,
    readyState: d.readyState,
    readyStateAt: d.readyAt ?? d.createdAt,
  };
}

function stageBody(r: RollingRelease, index: number) {
  const s = r.stages[index];
  return {
    index,
    isFinalStage: index === r.stages.length - 1,
    targetPercentage: s.targetPercentage,
    requireApproval:
      s.requireApproval ?? r.advancementType === 'manual-approval',
    duration: s.duration ?? null,
  };
}

/** `{ rollingRelease }` as the rolling-release endpoints answer it. */
export function rollingReleaseBody(
  r: RollingRelease | null,
  deployment: (id: string) => Deployment | undefined,
) {
  if (!r) return { rollingRelease: null };
  const current = deployment(r.currentDeploymentId);
  const canary = deployment(r.canaryDeploymentId);
  const active = r.state === 'ACTIVE';
  const activeIndex =
    r.state === 'COMPLETE' ? r.stages.length - 1 : r.activeIndex;
  return {
    rollingRelease: {
      state: r.state,
      substate: null,
      advancementType: r.advancementType,
      currentDeployment: current ? rollingDeployment(current) : null,
      canaryDeployment: canary ? rollingDeployment(canary) : null,
      queuedDeploymentId: r.queuedDeploymentId,
      stages: r.stages.map((_, i) => stageBody(r, i)),
      activeStage: r.state === 'ABORTED' ? null : stageBody(r, activeIndex),
      nextStage:
        active && activeIndex + 1 < r.stages.length
          ? stageBody(r, activeIndex + 1)
          : null,
      currentCanaryPercentage:
        r.state === 'ABORTED' ? 0 : r.stages[activeIndex].targetPercentage,
      startedAt: r.startedAt,
      updatedAt: r.updatedAt,
    },
  };
}

/** `GET|PATCH /v1/projects/{idOrName}/rolling-release/config`. */
export function rollingReleaseConfigBody(c: RollingReleaseConfig | null) {
  if (!c) return { rollingRelease: null };
  return {
    rollingRelease: {
      target: c.target,
      stages: c.stages.map(s => ({
        targetPercentage: s.targetPercentage,
        ...(s.duration !== undefined ? { duration: s.duration } : {}),
        ...(s.requireApproval !== undefined
          ? { requireApproval: s.requireApproval }
          : {}),
        ...(s.linearShift !== undefined ? { linearShift: s.linearShift } : {}),
      })),
      canaryResponseHeader: c.canaryResponseHeader ?? false,
    },
  };
}

/** `GET /v4/aliases/{idOrAlias}` and the items of `GET /v4/aliases`. */
export function aliasBody(a: Alias, d: Deployment | undefined) {
  return {
    uid: a.uid,
    alias: a.alias,
    created: new Date(a.createdAt).toISOString(),
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    creator: { uid: CREATOR.uid, username: CREATOR.username, email: '' },
    deploymentId: a.deploymentId,
    deployment: d ? { id: d.id, url: d.url } : undefined,
    projectId: a.projectId,
    redirect: null,
  };
}
