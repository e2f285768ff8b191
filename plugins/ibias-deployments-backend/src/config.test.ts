import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_TIMEOUTS,
  readAnalysisPolicies,
  readCanaryWeights,
  readKubernetesTargetConfig,
  readLocalTargetConfig,
  readPrometheusConfig,
  readPrometheusTargetsFile,
  readServiceConfig,
  readServiceTargetNames,
  readTargetNames,
  readTimeouts,
} from './config';

const deployments = (d: object) =>
  new ConfigReader({ ibias: { deployments: d } });

describe('readCanaryWeights (ibias.deployments.canaryWeights)', () => {
  it('defaults to 10, 50, 100', () => {
    expect(readCanaryWeights(new ConfigReader({}))).toEqual([10, 50, 100]);
  });

  it('reads rising weights ending at 100', () => {
    expect(
      readCanaryWeights(deployments({ canaryWeights: [25, 100] })),
    ).toEqual([25, 100]);
  });

  it.each([[[50, 10, 100]], [[10, 50]]])('refuses %j', weights => {
    expect(() =>
      readCanaryWeights(deployments({ canaryWeights: weights })),
    ).toThrow(/^ibias\.deployments\.canaryWeights: /);
  });
});

describe('readAnalysisPolicies (ibias.deployments.environments.<env>.analysis)', () => {
  it('overrides the defaults field by field, per environment', () => {
    const policies = readAnalysisPolicies(
      deployments({
        environments: { production: { analysis: { errorRate: 0.01 } } },
      }),
    );
    const defaults = readAnalysisPolicies(new ConfigReader({}));
    expect(policies.production).toEqual({
      ...defaults.production,
      errorRate: 0.01,
    });
    expect(policies.staging).toEqual(defaults.staging);
  });
});

describe('readTargetNames (ibias.deployments.environments.<env>.target)', () => {
  it('is local unless an environment names another target', () => {
    expect(
      readTargetNames(
        deployments({ environments: { production: { target: 'vercel' } } }),
      ),
    ).toEqual({
      development: 'local',
      staging: 'local',
      production: 'vercel',
    });
  });
});

describe('readServiceTargetNames (ibias.deployments.environments.<env>.targetsByService)', () => {
  it('is empty per environment when unset', () => {
    expect(readServiceTargetNames(new ConfigReader({}))).toEqual({
      development: {},
      staging: {},
      production: {},
    });
  });

  it('lowercases the entity refs, per environment', () => {
    expect(
      readServiceTargetNames(
        deployments({
          environments: {
            production: {
              target: 'kubernetes',
              targetsByService: {
                'Component:Default/IBIAS-Web': 'vercel',
                'component:default/ai-recommendations': 'supabase',
              },
            },
          },
        }),
      ),
    ).toEqual({
      development: {},
      staging: {},
      production: {
        'component:default/ibias-web': 'vercel',
        'component:default/ai-recommendations': 'supabase',
      },
    });
  });

  it.each([
    [
      { 'ibias-web': 'vercel' },
      'ibias.deployments.environments.staging.targetsByService: "ibias-web" is not a full entity ref (kind:namespace/name, e.g. component:default/ibias-web)',
    ],
    [
      { 'component:ibias-web': 'vercel' },
      '"component:ibias-web" is not a full entity ref',
    ],
    [
      { 'default/ibias-web': 'vercel' },
      '"default/ibias-web" is not a full entity ref',
    ],
    [
      {
        'component:default/ibias-web': 'vercel',
        'Component:default/IBIAS-web': 'local',
      },
      'ibias.deployments.environments.staging.targetsByService: component:default/ibias-web is named twice (letter case aside)',
    ],
    [
      { 'component:default/ibias-web': 3 },
      'ibias.deployments.environments.staging.targetsByService.component:default/ibias-web: a target name, got 3',
    ],
    [
      { 'component:default/ibias-web': '' },
      'ibias.deployments.environments.staging.targetsByService.component:default/ibias-web: a target name, got ""',
    ],
  ])('refuses %j', (targetsByService, message) => {
    expect(() =>
      readServiceTargetNames(
        deployments({ environments: { staging: { targetsByService } } }),
      ),
    ).toThrow(message);
  });
});

describe('readPrometheusConfig (ibias.deployments.metrics)', () => {
  it('is undefined unless the source is prometheus', () => {
    expect(readPrometheusConfig(new ConfigReader({}))).toBeUndefined();
    expect(
      readPrometheusConfig(
        deployments({
          metrics: {
            source: 'prometheus',
            prometheus: {
              url: 'http://127.0.0.1:9090',
              targetsFile: '/p/t.json',
            },
          },
        }),
      ),
    ).toEqual({ url: 'http://127.0.0.1:9090', targetsFile: '/p/t.json' });
  });

  it('stays undefined for a targets file alone: analysis keeps reading the router', () => {
    for (const source of [undefined, 'local-router']) {
      expect(
        readPrometheusConfig(
          deployments({
            metrics: { source, prometheus: { targetsFile: '/p/t.json' } },
          }),
        ),
      ).toBeUndefined();
    }
  });
});

describe('readPrometheusTargetsFile (ibias.deployments.metrics.prometheus.targetsFile)', () => {
  it('is the file whenever it is set, whatever the source, resolved', () => {
    for (const source of [undefined, 'local-router', 'prometheus']) {
      expect(
        readPrometheusTargetsFile(
          deployments({
            metrics: {
              source,
              prometheus: {
                url: 'http://127.0.0.1:9090',
                targetsFile: 'p/t.json',
              },
            },
          }),
        ),
      ).toBe(path.resolve('p/t.json'));
    }
    expect(readPrometheusTargetsFile(new ConfigReader({}))).toBeUndefined();
    expect(
      readPrometheusTargetsFile(
        deployments({ metrics: { source: 'prometheus' } }),
      ),
    ).toBeUndefined();
  });

  it('reaches the local target config with the router as the source', () => {
    const local = readLocalTargetConfig(
      deployments({ metrics: { prometheus: { targetsFile: '/p/t.json' } } }),
    );
    expect(local.prometheusTargetsFile).toBe('/p/t.json');
    expect(local.prometheus).toBeUndefined();
  });
});

describe('readKubernetesTargetConfig (ibias.deployments.kubernetes)', () => {
  const clusters = {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'prod',
            url: 'https://k8s.example',
            serviceAccountToken: 't',
          },
        ],
      },
    ],
  };

  it('is undefined when not configured', () => {
    expect(readKubernetesTargetConfig(new ConfigReader({}))).toBeUndefined();
  });

  it('takes the cluster from the Kubernetes plugin, with defaults', () => {
    expect(
      readKubernetesTargetConfig(
        new ConfigReader({
          kubernetes: clusters,
          ibias: {
            deployments: {
              kubernetes: { cluster: 'prod', imageRepository: 'ghcr.io/ibias' },
            },
          },
        }),
      ),
    ).toEqual({
      cluster: { name: 'prod', url: 'https://k8s.example', token: 't' },
      namespace: 'ibias',
      imageRepository: 'ghcr.io/ibias',
      replicas: 4,
    });
  });

  it('refuses a cluster the Kubernetes plugin does not know', () => {
    expect(() =>
      readKubernetesTargetConfig(
        new ConfigReader({
          kubernetes: clusters,
          ibias: {
            deployments: {
              kubernetes: {
                cluster: 'other',
                imageRepository: 'ghcr.io/ibias',
              },
            },
          },
        }),
      ),
    ).toThrow(
      "ibias.deployments.kubernetes.cluster other is not among the Kubernetes plugin's clusters",
    );
  });
});

describe('readLocalTargetConfig (ibias.deployments.local)', () => {
  it('refuses a release that is not a release version, naming it', () => {
    expect(() =>
      readLocalTargetConfig(
        new ConfigReader({
          ibias: {
            deployments: {
              local: {
                samples: { 'ibias-api': {} },
                releases: { 'ibias-api': [{ version: 'latest' }] },
              },
            },
          },
        }),
      ),
    ).toThrow(
      'ibias.deployments.local.releases.ibias-api[0].version must be a release version like 1.2.0, not "latest"',
    );
  });

  it('takes the samples from samples, extra settings from releases, the repositories from the scaffolder', () => {
    const logger = mockServices.logger.mock();
    const local = readLocalTargetConfig(
      new ConfigReader({
        ibias: {
          scaffolder: { localReposDir: '/data/repos' },
          deployments: {
            local: {
              servicesDir: '/srv/services',
              workDir: '/data/deployments',
              samples: {
                'ibias-api': {},
                'ai-recommendations': {
                  load: { path: '/api/v1/recommendations', body: '{}' },
                  env: { AI_SIMULATED_LATENCY_SCALE: '0.25' },
                },
              },
              releases: {
                'my-service': [
                  { version: '1.1.0', env: { LOG_LEVEL: 'warn' } },
                ],
              },
            },
          },
        },
      }),
      logger,
    );
    expect(local).toMatchObject({
      reposDir: '/data/repos',
      workDir: '/data/deployments',
      samples: {
        names: ['ibias-api', 'ai-recommendations'],
        servicesDir: '/srv/services',
        releasesDir: path.join('/srv/services', 'releases'),
      },
      releases: { 'my-service': { '1.1.0': { env: { LOG_LEVEL: 'warn' } } } },
      serviceLoad: {
        'ai-recommendations': {
          method: 'POST',
          path: '/api/v1/recommendations',
          body: '{}',
        },
      },
      serviceEnv: {
        'ai-recommendations': { AI_SIMULATED_LATENCY_SCALE: '0.25' },
      },
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('without samples, the names under releases are the samples, with a warning (the old meaning)', () => {
    const logger = mockServices.logger.mock();
    const local = readLocalTargetConfig(
      new ConfigReader({
        ibias: {
          deployments: {
            local: {
              releases: {
                'ibias-api': [
                  { version: '1.0.0' },
                  { version: '1.2.0', env: { FAULT_RATE: '0.2' } },
                ],
              },
            },
          },
        },
      }),
      logger,
    );
    expect(local.samples.names).toEqual(['ibias-api']);
    expect(local.releases['ibias-api']['1.2.0'].env).toEqual({
      FAULT_RATE: '0.2',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^ibias\.deployments\.local\.samples is not set: taking the samples from ibias\.deployments\.local\.releases \(ibias-api\)/,
      ),
    );
  });

  it('has no samples and no repositories when nothing is configured', () => {
    const local = readLocalTargetConfig(new ConfigReader({}));
    expect(local.samples.names).toEqual([]);
    expect(local.reposDir).toBeUndefined();
  });
});

describe('readTimeouts (ibias.deployments.timeouts)', () => {
  it('refuses a zero timeout', () => {
    expect(() =>
      readTimeouts(
        new ConfigReader({
          ibias: { deployments: { timeouts: { probe: { seconds: 0 } } } },
        }),
      ),
    ).toThrow('ibias.deployments.timeouts.probe must be positive');
  });

  it('has defaults', () => {
    expect(readTimeouts(new ConfigReader({}))).toEqual({
      step: 600_000,
      probe: 5_000,
      upstream: 30_000,
      ready: 30_000,
      kubernetesRequest: 30_000,
    });
    expect(DEFAULT_TIMEOUTS.step).toBe(600_000);
  });

  it('reads durations as objects and strings', () => {
    expect(
      readTimeouts(
        new ConfigReader({
          ibias: {
            deployments: {
              timeouts: {
                step: { minutes: 2 },
                upstream: '10s',
                probe: 'PT1S',
              },
            },
          },
        }),
      ),
    ).toMatchObject({ step: 120_000, upstream: 10_000, probe: 1_000 });
  });
});

describe('readServiceConfig (the service’s own settings)', () => {
  it('has defaults for everything', () => {
    expect(readServiceConfig(new ConfigReader({}))).toEqual({
      fileRoots: [],
      environmentDefaults: undefined,
      approvalTtlMinutes: 60,
      releaseManagers: 'group:default/release-managers',
    });
  });

  it('resolves file roots, keeps the defaults and reads the group ref one way', () => {
    const settings = readServiceConfig(
      deployments({
        fileRoots: ['services', '/srv/catalog'],
        environmentDefaults: { production: { domain: 'ibias.example' } },
        approvalTtlMinutes: 15,
        releaseManagers: 'Ops/Release-Managers',
      }),
    );
    expect(settings).toEqual({
      fileRoots: [path.resolve('services'), '/srv/catalog'],
      environmentDefaults: { production: { domain: 'ibias.example' } },
      approvalTtlMinutes: 15,
      releaseManagers: 'group:ops/release-managers',
    });
  });

  it.each([0, -5, 1.5, 10081])(
    'refuses an approval window of %p minutes',
    ttl => {
      expect(() =>
        readServiceConfig(deployments({ approvalTtlMinutes: ttl })),
      ).toThrow(
        /^ibias\.deployments\.approvalTtlMinutes: a whole number of minutes from 1 to 10080/,
      );
    },
  );

  it('refuses release managers that are not a group', () => {
    expect(() =>
      readServiceConfig(deployments({ releaseManagers: 'user:default/bob' })),
    ).toThrow(/ibias\.deployments\.releaseManagers: must name a group/);
  });
});
