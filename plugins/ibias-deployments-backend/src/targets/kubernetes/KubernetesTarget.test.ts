import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_ANALYSIS_POLICY,
  planSteps,
  type Strategy,
} from '@internal/plugin-ibias-deployments-common';
import { DeployEngine } from '../../engine/DeployEngine';
import { startLoopbackKubernetes } from '@internal/ibias-kubernetes-loopback';
import { KubernetesTarget } from './KubernetesTarget';
import { testStore } from '../../testing/testStore';
import {
  startGithubLoopback,
  type GithubLoopback,
} from '@internal/ibias-test-utils';
import { GithubReleaseTags } from '@internal/plugin-ibias-deployments-node';

// The kubernetes target against a loopback Kubernetes API server (none can run here):
// the real engine and store drive it; the server checks tokens and resourceVersions and
// rolls Deployments out after a delay.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const NS = 'ibias';

/** Errors per 100 requests of each version (undefined: no metrics source). */
async function setup(
  errorsByVersion?: Record<string, number>,
  releases?: GithubReleaseTags,
) {
  const k8s = await startLoopbackKubernetes({
    token: 't0ken',
    rolloutDelayMs: 30,
  });
  const target = new KubernetesTarget({
    cluster: { name: 'loopback', url: k8s.url, token: 't0ken' },
    namespace: NS,
    imageRepository: 'ghcr.io/ibias',
    replicas: 4,
    logger: mockServices.logger.mock(),
    pollMs: 10,
    releases,
    metrics:
      errorsByVersion === undefined
        ? undefined
        : ({
            metrics: async (_ref: unknown, version: string) => ({
              requests: 100,
              errors: errorsByVersion[version] ?? 0,
              p95Ms: 40,
              query:
                'sum(increase(http_request_duration_seconds_count{...}[5s]))',
              source: 'prometheus' as const,
            }),
          } as any),
  });
  const store = await testStore(databases);
  const engine = new DeployEngine({
    store,
    target,
    logger: mockServices.logger.mock(),
    analysisPolicy: () => ({
      ...DEFAULT_ANALYSIS_POLICY,
      intervalSeconds: 0.25,
      intervals: 2,
    }),
    sleep: async () => {},
  });
  const deploy = async (
    version: string,
    strategy: Strategy,
    previous: string | null,
  ) => {
    const { deployment } = await store.create({
      entityRef: 'component:default/ibias-api',
      environment: 'production',
      version,
      previousVersion: previous,
      strategy,
      status: 'queued',
      steps: planSteps(strategy),
      initiatedBy: 'user:default/rita.release',
    });
    engine.submit(deployment.id);
    await engine.settled(deployment.id);
    return (await store.get(deployment.id))!;
  };
  const ref = {
    service: 'ibias-api',
    entityRef: 'component:default/ibias-api',
    environment: 'production' as const,
  };
  return { k8s, target, deploy, ref };
}

describe('KubernetesTarget maps one entity onto its objects', () => {
  it.each([
    [
      'resource:default/ibias-api',
      /deploys Components of the default namespace only/,
    ],
    [
      'component:other/ibias-api',
      /deploys Components of the default namespace only/,
    ],
    ['component:default/ibias_api', /cannot name objects after ibias_api/],
    [`component:default/${'a'.repeat(60)}`, /at most 57 characters/],
  ])('refuses %s before touching the cluster', async (entityRef, why) => {
    const { k8s, target, ref } = await setup({});
    try {
      const other = { ...ref, entityRef, service: entityRef.split('/')[1] };
      expect(target.cannotDeploy(other)).toMatch(why);
      expect(await target.versions(other)).toEqual([]);
      await expect(target.deploy(other, '1.0.0')).rejects.toThrow(why);
      await expect(target.retain(other, null)).rejects.toThrow(why);
      await expect(
        target.setTraffic(other, '1.0.0', 100, null),
      ).rejects.toThrow(why);
      expect(k8s.requests).toEqual([]);
    } finally {
      await k8s.close();
    }
  });

  it('serves component:default/<name>', async () => {
    const { k8s, target, ref } = await setup({});
    try {
      expect(target.cannotDeploy(ref)).toBeUndefined();
      expect(await target.versions(ref)).toEqual(['*']);
    } finally {
      await k8s.close();
    }
  });
});

describe('KubernetesTarget (loopback API server)', () => {
  it('blue-green: a second Deployment, rollout waited on, then the Service selector switches', async () => {
    const { k8s, target, deploy, ref } = await setup({});
    try {
      const first = await deploy('1.0.0', 'blue-green', null);
      expect(first.status).toBe('succeeded');
      expect(k8s.get('Service', NS, 'ibias-api')?.spec.selector).toEqual({
        'app.kubernetes.io/name': 'ibias-api',
        'ibias.io/track': 'blue',
      });
      const second = await deploy('1.1.0', 'blue-green', '1.0.0');
      expect(second.status).toBe('succeeded');
      expect(k8s.get('Service', NS, 'ibias-api')?.spec.selector).toEqual({
        'app.kubernetes.io/name': 'ibias-api',
        'ibias.io/track': 'green',
      });
      const green = k8s.get('Deployment', NS, 'ibias-api-green')!;
      expect(green.spec.template.spec.containers[0].image).toBe(
        'ghcr.io/ibias/ibias-api:1.1.0',
      );
      expect(green.status.readyReplicas).toBe(4);
      // Cleanup removed the old track.
      expect(k8s.get('Deployment', NS, 'ibias-api-blue')).toBeUndefined();
      expect(await target.traffic(ref)).toEqual({ '1.1.0': 100 });
    } finally {
      await k8s.close();
    }
  });

  it('canary splits replicas while the Service selects both tracks, and rolls back on the error rate', async () => {
    const { k8s, target, deploy, ref } = await setup({ '1.2.0': 20 });
    try {
      expect((await deploy('1.0.0', 'blue-green', null)).status).toBe(
        'succeeded',
      );
      const seen: string[] = [];
      const setTraffic = target.setTraffic.bind(target);
      target.setTraffic = async (...args) => {
        await setTraffic(...args);
        const replicas = (track: string) =>
          k8s.get('Deployment', NS, `ibias-api-${track}`)?.spec.replicas ?? 0;
        const selector = k8s.get('Service', NS, 'ibias-api')?.spec.selector[
          'ibias.io/track'
        ];
        seen.push(
          `${args[1]}@${args[2]}%: blue ${replicas('blue')}, green ${replicas(
            'green',
          )}, selects ${selector ?? 'both'}`,
        );
      };
      const canary = await deploy('1.2.0', 'canary', '1.0.0');
      expect(canary.status).toBe('rolled_back');
      expect(canary.reason).toMatch(/error rate 20\.0% > 5%/);
      expect(seen).toEqual([
        '1.2.0@10%: blue 3, green 1, selects both',
        '1.0.0@100%: blue 4, green 1, selects blue',
        '1.0.0@100%: blue 4, green 0, selects blue',
      ]);
      expect(k8s.get('Deployment', NS, 'ibias-api-green')).toBeUndefined();
      expect(await target.traffic(ref)).toEqual({ '1.0.0': 100 });
    } finally {
      await k8s.close();
    }
  });

  it('without a metrics source, analysis is inconclusive and never promotes', async () => {
    const { k8s, deploy } = await setup(undefined);
    try {
      const d = await deploy('1.0.0', 'canary', null);
      expect(d.status).toBe('rolled_back');
      expect(d.reason).toMatch(/inconclusive/);
    } finally {
      await k8s.close();
    }
  });

  it('retries a write that lost a resourceVersion race (409) with a fresh read', async () => {
    const { k8s, target, ref } = await setup({});
    try {
      await target.deploy(ref, '1.0.0');
      k8s.conflictNext('ibias-api-blue');
      await target.setTraffic(ref, '1.0.0', 100, null);
      const puts = k8s.requests.filter(r =>
        r.startsWith(
          'PUT /apis/apps/v1/namespaces/ibias/deployments/ibias-api-blue',
        ),
      );
      expect(puts.length).toBe(2); // the conflict, then the retry
      expect(await target.traffic(ref)).toEqual({ '1.0.0': 100 });
    } finally {
      await k8s.close();
    }
  });

  it('reports its API server for the health endpoint: ready, then unreachable', async () => {
    const { k8s, target } = await setup();
    const ready = await target.dependencies();
    expect(ready).toEqual([
      { name: 'api-server', status: 'ok', latencyMs: expect.any(Number) },
    ]);
    await k8s.close();
    const gone = await target.dependencies();
    expect(gone).toEqual([
      {
        name: 'api-server',
        status: 'down',
        latencyMs: expect.any(Number),
        detail: 'unreachable',
      },
    ]);
  });

  it('answers a wrong token with a clear error', async () => {
    const { k8s, ref } = await setup({});
    try {
      const bad = new KubernetesTarget({
        cluster: { name: 'loopback', url: k8s.url, token: 'wrong' },
        namespace: NS,
        imageRepository: 'ghcr.io/ibias',
        replicas: 2,
        logger: mockServices.logger.mock(),
      });
      await expect(bad.deploy(ref, '1.0.0')).rejects.toThrow(
        /^GET \/apis\/apps\/v1\/namespaces\/ibias\/deployments\/ibias-api-blue on loopback: 401 Unauthorized$/,
      );
    } finally {
      await k8s.close();
    }
  });
});

describe("KubernetesTarget versions: the release tags of the service's GitHub repository", () => {
  let github: GithubLoopback;
  beforeEach(async () => {
    github = await startGithubLoopback();
  });
  afterEach(() => github.close());

  const releasesFor = (integration: object) =>
    GithubReleaseTags.fromConfig(
      new ConfigReader({ integrations: { github: [integration] } }),
      { requestTimeoutMs: 5000 },
    );
  const refOf = (repo: string, source?: string) => ({
    service: repo,
    entityRef: `component:default/${repo}`,
    environment: 'production' as const,
    locations: { source: source ?? github.sourceLocation(repo) },
  });

  it('refuses a service whose source is not on a GitHub integration, before asking GitHub', async () => {
    const { k8s, target } = await setup({}, releasesFor(github.integration));
    try {
      for (const source of [
        undefined,
        'url:https://gitlab.example/ibias/orders-api/tree/main/',
        'url:file:///srv/repos/orders-api/',
      ]) {
        await expect(
          target.versions({ ...refOf('orders-api'), locations: { source } }),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(
            /^The kubernetes target deploys the release tags of a service's GitHub repository, and component:default\/orders-api has no source location on a host with a GitHub integration/,
          ),
        });
      }
      expect(await github.requests()).toEqual([]);
      expect(k8s.requests).toEqual([]);
    } finally {
      await k8s.close();
    }
  });

  it('says "no release tags" for a repository without a semver tag', async () => {
    const { k8s, target } = await setup({}, releasesFor(github.integration));
    try {
      const repo = await github.createRepository('orders-api');
      await expect(target.versions(refOf('orders-api'))).rejects.toMatchObject({
        name: 'NotFoundError',
        message: expect.stringMatching(
          /^ibias-e2e\/orders-api has no release tags: /,
        ),
      });
      await repo.release('nightly', 'latest');
      await expect(target.versions(refOf('orders-api'))).rejects.toThrow(
        /has no release tags: .* \(found 2 other tags\)$/,
      );
    } finally {
      await k8s.close();
    }
  });

  it('is a clear error, never an empty list, when GitHub refuses or cannot be reached', async () => {
    const wrongToken = await setup(
      {},
      releasesFor({ ...github.integration, token: 'wrong' }),
    );
    const unreachable = await setup({}, releasesFor(github.integration));
    try {
      await github.createRepository('orders-api');
      await expect(
        wrongToken.target.versions(refOf('orders-api')),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: `Could not list the release tags of ibias-e2e/orders-api on GitHub (${github.url}/api/v3): GitHub answered 401: Bad credentials`,
      });
      await expect(
        unreachable.target.versions(refOf('no-such-repo')),
      ).rejects.toMatchObject({ name: 'NotFoundError' });
      await github.close();
      await expect(
        unreachable.target.versions(refOf('orders-api')),
      ).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: `Could not list the release tags of ibias-e2e/orders-api on GitHub (${github.url}/api/v3): GitHub cannot be reached (ECONNREFUSED)`,
      });
    } finally {
      await wrongToken.k8s.close();
      await unreachable.k8s.close();
    }
  });

  it('push a tag and the version appears; the new version deploys with its image', async () => {
    const { k8s, target, deploy } = await setup(
      {},
      releasesFor(github.integration),
    );
    try {
      const ref = refOf('ibias-api');
      const repo = await github.createRepository('ibias-api');
      await repo.release('1.0.0');
      expect(await target.versions(ref)).toEqual(['1.0.0']);
      expect((await deploy('1.0.0', 'blue-green', null)).status).toBe(
        'succeeded',
      );

      // A developer tags the next release and pushes it: no restart, no cache.
      await repo.release('v1.1.0', 'nightly');
      expect(await target.versions(ref)).toEqual(['1.1.0', '1.0.0']);
      expect((await deploy('1.1.0', 'blue-green', '1.0.0')).status).toBe(
        'succeeded',
      );
      const green = k8s.get('Deployment', NS, 'ibias-api-green')!;
      expect(green.spec.template.spec.containers[0].image).toBe(
        'ghcr.io/ibias/ibias-api:1.1.0',
      );
      expect(green.metadata.labels).toMatchObject({
        'app.kubernetes.io/version': '1.1.0',
      });
    } finally {
      await k8s.close();
    }
  });

  it('reads every page of tags, as GitHub pages them', async () => {
    const { k8s, target } = await setup({}, releasesFor(github.integration));
    try {
      const repo = await github.createRepository('orders-api');
      const tags = Array.from({ length: 130 }, (_, i) => `1.${i}.0`);
      await repo.release(...tags);
      const versions = await target.versions(refOf('orders-api'));
      expect(versions).toHaveLength(130);
      expect(versions[0]).toBe('1.129.0');
      expect(versions.at(-1)).toBe('1.0.0');
      expect(
        (await github.requests()).filter(r => r.includes('/tags')),
      ).toEqual([
        'GET /api/v3/repos/ibias-e2e/orders-api/tags 200',
        'GET /api/v3/repos/ibias-e2e/orders-api/tags 200',
      ]);
    } finally {
      await k8s.close();
    }
    // 130 git tags in the loopback repository take seconds on a loaded CI machine.
  }, 30_000);

  it('refuses a version that cannot be an image tag and a label value, before touching the cluster', async () => {
    const { k8s, target, ref } = await setup({});
    try {
      await expect(target.deploy(ref, 'latest+1')).rejects.toThrow(
        /cannot deploy version "latest\+1": it is the image tag and the app\.kubernetes\.io\/version label/,
      );
      expect(k8s.requests).toEqual([]);
    } finally {
      await k8s.close();
    }
  });
});
