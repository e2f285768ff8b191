import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  ibiasDeploymentTargetsExtensionPoint,
  type EnvironmentSettingsLookup,
  type RunningRelease,
} from '@internal/plugin-ibias-deployments-node';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { ibiasDeploymentsPlugin } from './plugin';
import { ScriptedTarget } from './testing/ScriptedTarget';
import { IBIAS_API_ENTITY } from './testing/fixtures';

/** A team's own targets (say Vercel), added by a backend module of its own. */
function teamTargetModule(...added: ScriptedTarget[]) {
  return createBackendModule({
    pluginId: 'ibias-deployments',
    moduleId: 'team-cloud-target',
    register(reg) {
      reg.registerInit({
        deps: {
          targets: ibiasDeploymentTargetsExtensionPoint,
          logger: coreServices.logger,
        },
        async init({ targets }) {
          for (const target of added) targets.addTarget(target);
        },
      });
    },
  });
}

const ENTITY = IBIAS_API_ENTITY;
/** A second service, as ibias-web next to ibias-api. */
const WEB_ENTITY = {
  ...IBIAS_API_ENTITY,
  metadata: { ...IBIAS_API_ENTITY.metadata, name: 'ibias-web' },
};

function start(options: {
  targetConfig: Record<
    string,
    {
      target: string;
      analysis?: object;
      targetsByService?: Record<string, string>;
    }
  >;
  module?: ReturnType<typeof teamTargetModule>;
  /** The database, to start again on what an earlier backend left. */
  knex?: Knex;
}) {
  return startTestBackend({
    features: [
      ibiasDeploymentsPlugin,
      ...(options.module ? [options.module] : []),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          ibias: { deployments: { environments: options.targetConfig } },
        },
      }),
      catalogServiceMock.factory({ entities: [ENTITY, WEB_ENTITY] }),
      actionsRegistryServiceMock.factory(),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish: async () => {} }),
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
    ],
  });
}

const everywhere = (target: string) => ({
  // One short analysis interval: the deployment finishes within the test.
  development: { target, analysis: { intervals: 1, intervalSeconds: 0.2 } },
  staging: { target },
  production: { target },
});

describe('deploy targets as an extension point', () => {
  it('routes a deployment to a target a module added, chosen by name in config', async () => {
    const team = new ScriptedTarget('team-cloud');
    const backend = await start({
      targetConfig: everywhere('team-cloud'),
      module: teamTargetModule(team),
    });
    try {
      const res = await request(backend.server)
        .post('/api/ibias-deployments/deployments')
        .send({
          entityRef: 'component:default/ibias-api',
          environment: 'development',
          version: '1.1.0',
          strategy: 'blue-green',
        });
      expect(res.status).toBe(202);
      const deadline = Date.now() + 10_000;
      while (!team.calls.includes('retain 1.1.0') && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      expect(team.calls).toEqual([
        'deploy 1.1.0',
        'traffic 1.1.0=100',
        'retain 1.1.0',
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start when an environment names a target nobody installed', async () => {
    await expect(
      start({ targetConfig: { production: { target: 'vercel' } } }),
    ).rejects.toThrow(
      'ibias.deployments.environments.production.target is vercel, but no deploy target of that name is installed (installed: local, kubernetes)',
    );
  });

  it('refuses to start when a service names a target nobody installed', async () => {
    await expect(
      start({
        targetConfig: {
          staging: {
            target: 'local',
            targetsByService: { 'component:default/ibias-web': 'vercel' },
          },
        },
      }),
    ).rejects.toThrow(
      'ibias.deployments.environments.staging.targetsByService.component:default/ibias-web is vercel, but no deploy target of that name is installed (installed: local, kubernetes)',
    );
  });

  it('refuses to start on a service that is no full entity ref', async () => {
    await expect(
      start({
        targetConfig: {
          staging: {
            target: 'local',
            targetsByService: { 'ibias-web': 'local' },
          },
        },
      }),
    ).rejects.toThrow('"ibias-web" is not a full entity ref');
  });

  it('refuses a second target under a built-in name', async () => {
    const impostor = new ScriptedTarget('local');
    await expect(
      start({
        targetConfig: everywhere('local'),
        module: teamTargetModule(impostor),
      }),
    ).rejects.toThrow('A deploy target named local is added twice');
  });

  describe('a target per service (targetsByService)', () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
    /** Records what `start` hands it. */
    class StartedTarget extends ScriptedTarget {
      started: string[][] = [];
      async start(running: RunningRelease[]) {
        this.started.push(
          running.map(
            r => `${r.ref.entityRef} ${r.ref.environment} ${r.version}`,
          ),
        );
      }
    }

    const config = {
      ...everywhere('team-default'),
      development: {
        ...everywhere('team-default').development,
        // Letter case as an operator may write it; deployments carry it lowercased.
        targetsByService: { 'Component:default/IBIAS-API': 'team-cloud' },
      },
    };

    async function deploy(
      backend: Awaited<ReturnType<typeof start>>,
      entityRef: string,
    ) {
      const res = await request(backend.server)
        .post('/api/ibias-deployments/deployments')
        .send({
          entityRef,
          environment: 'development',
          version: '1.1.0',
          strategy: 'blue-green',
        });
      expect(res.status).toBe(202);
    }

    async function settled(...targets: ScriptedTarget[]) {
      const deadline = Date.now() + 10_000;
      while (
        !targets.every(t => t.calls.includes('retain 1.1.0')) &&
        Date.now() < deadline
      ) {
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    }

    it("deploys one service on the module's target while another in the same environment stays on the default", async () => {
      const cloud = new StartedTarget('team-cloud');
      const fallback = new StartedTarget('team-default');
      const backend = await start({
        targetConfig: config,
        module: teamTargetModule(cloud, fallback),
      });
      try {
        await deploy(backend, 'component:default/ibias-api');
        await deploy(backend, 'component:default/ibias-web');
        await settled(cloud, fallback);
        const flow = ['deploy 1.1.0', 'traffic 1.1.0=100', 'retain 1.1.0'];
        expect(cloud.calls).toEqual(flow);
        expect(fallback.calls).toEqual(flow);
        // Each made once, started once, with nothing yet to bring back.
        expect(cloud.started).toEqual([[]]);
        expect(fallback.started).toEqual([[]]);
      } finally {
        await backend.stop();
      }
    });

    it('hands each target, on a restart, only the releases it deploys', async () => {
      const knex = await databases.init('SQLITE_3');
      const first = {
        cloud: new StartedTarget('team-cloud'),
        fallback: new StartedTarget('team-default'),
      };
      let backend = await start({
        targetConfig: config,
        module: teamTargetModule(first.cloud, first.fallback),
        knex,
      });
      try {
        await deploy(backend, 'component:default/ibias-api');
        await deploy(backend, 'component:default/ibias-web');
        await settled(first.cloud, first.fallback);
      } finally {
        await backend.stop();
      }

      const cloud = new StartedTarget('team-cloud');
      const fallback = new StartedTarget('team-default');
      backend = await start({
        targetConfig: config,
        module: teamTargetModule(cloud, fallback),
        knex,
      });
      try {
        expect(cloud.started).toEqual([
          ['component:default/ibias-api development 1.1.0'],
        ]);
        expect(fallback.started).toEqual([
          ['component:default/ibias-web development 1.1.0'],
        ]);
      } finally {
        await backend.stop();
      }
    });
  });

  it("gives target factories the service's environments file, as the Configuration card reads it", async () => {
    const root = await mkdtemp(join(tmpdir(), 'ibias-env-settings-'));
    try {
      await writeFile(join(root, 'catalog-info.yaml'), 'kind: Component\n');
      // The sample service's file, with the project ref its owners chose for staging.
      const sample = parse(
        await readFile(
          join(
            __dirname,
            '../../../services/ai-recommendations/environments.yaml',
          ),
          'utf8',
        ),
      );
      sample.staging.supabase = { projectRef: 'abcdefghijklmnopqrst' };
      await writeFile(join(root, 'environments.yaml'), stringify(sample));
      let lookup: EnvironmentSettingsLookup | undefined;
      const capturing = createBackendModule({
        pluginId: 'ibias-deployments',
        moduleId: 'capturing-target',
        register(reg) {
          reg.registerInit({
            deps: { targets: ibiasDeploymentTargetsExtensionPoint },
            async init({ targets }) {
              targets.addTarget({
                name: 'capturing',
                create({ environmentSettings }) {
                  lookup = environmentSettings;
                  return new ScriptedTarget('capturing');
                },
              });
            },
          });
        },
      });
      const located = {
        ...ENTITY,
        metadata: {
          ...ENTITY.metadata,
          annotations: {
            ...ENTITY.metadata.annotations,
            'backstage.io/managed-by-location': `file:${join(
              root,
              'catalog-info.yaml',
            )}`,
          },
        },
      };
      const backend = await startTestBackend({
        features: [
          ibiasDeploymentsPlugin,
          capturing,
          mockServices.rootConfig.factory({
            data: {
              ibias: {
                deployments: {
                  fileRoots: [root],
                  environments: everywhere('capturing'),
                },
              },
            },
          }),
          catalogServiceMock.factory({ entities: [located] }),
          actionsRegistryServiceMock.factory(),
          createServiceFactory({
            service: signalsServiceRef,
            deps: {},
            factory: () => ({ publish: async () => {} }),
          }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
        ],
      });
      try {
        expect(lookup).toBeDefined();
        const staging = await lookup!({
          entityRef: 'component:default/ibias-api',
          environment: 'staging',
        });
        expect(staging).toMatchObject({
          name: 'staging',
          domain: 'ai-recommendations.staging.ibias.ai',
          supabase: { projectRef: 'abcdefghijklmnopqrst' },
        });
        expect(
          await lookup!({
            entityRef: 'component:default/ibias-api',
            environment: 'production',
          }),
        ).not.toHaveProperty('supabase');
        expect(
          await lookup!({
            entityRef: 'component:default/not-in-the-catalog',
            environment: 'staging',
          }),
        ).toBeUndefined();
      } finally {
        await backend.stop();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
