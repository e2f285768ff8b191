import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ibiasDeploymentTargetsExtensionPoint } from '@internal/plugin-ibias-deployments-node';
import request from 'supertest';
import { ibiasDeploymentsPlugin } from './plugin';
import { ScriptedTarget } from './testing/ScriptedTarget';
import { IBIAS_API_ENTITY } from './testing/fixtures';

/** A team's own target (say Vercel), added by a backend module of its own. */
function teamTargetModule(target: ScriptedTarget) {
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
          targets.addTarget(target);
        },
      });
    },
  });
}

const ENTITY = IBIAS_API_ENTITY;

function start(options: {
  targetConfig: Record<string, { target: string; analysis?: object }>;
  module?: ReturnType<typeof teamTargetModule>;
}) {
  return startTestBackend({
    features: [
      ibiasDeploymentsPlugin,
      ...(options.module ? [options.module] : []),
      mockServices.rootConfig.factory({
        data: {
          ibias: { deployments: { environments: options.targetConfig } },
        },
      }),
      catalogServiceMock.factory({ entities: [ENTITY] }),
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

  it('refuses a second target under a built-in name', async () => {
    const impostor = new ScriptedTarget('local');
    await expect(
      start({
        targetConfig: everywhere('local'),
        module: teamTargetModule(impostor),
      }),
    ).rejects.toThrow('A deploy target named local is added twice');
  });
});
