import { mockCredentials } from '@backstage/backend-test-utils';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { z } from 'zod';
import { registerDeploymentActions } from './actions';
import type { DeploymentService } from './DeploymentService';

// The MCP actions are a boundary like the HTTP API: refs are normalised before the
// service sees them, and the rollback action carries break-glass the same way.
function setup() {
  const actions: Record<string, any> = {};
  const registry = {
    register: (a: any) => {
      actions[a.name] = a;
    },
  } as unknown as ActionsRegistryService;
  const service = {
    create: jest.fn().mockResolvedValue({
      dryRun: false,
      deployment: {
        id: 'd1',
        version: '1.1.0',
        environment: 'staging',
        status: 'queued',
      },
    }),
    rollback: jest.fn().mockResolvedValue({
      id: 'd2',
      version: '1.0.0',
      status: 'pending_approval',
    }),
    environments: jest.fn().mockResolvedValue([]),
  };
  registerDeploymentActions(registry, service as unknown as DeploymentService);
  const run = async (name: string, input: unknown) => {
    const schema = actions[name].schema.input(z);
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw new Error(parsed.error.issues[0].message);
    return actions[name].action({
      input: parsed.data,
      credentials: mockCredentials.user('user:default/olivia.owner'),
    });
  };
  return { run, service };
}

describe('deployment MCP actions', () => {
  it.each([
    ['a short reason', { breakGlassReason: 'too short' }],
    ['a reason over 500 characters', { breakGlassReason: 'x'.repeat(501) }],
  ])('rollback-deployment refuses %s', async (_l, extra) => {
    const { run, service } = setup();
    await expect(
      run('rollback-deployment', {
        deploymentId: '00000000-0000-4000-8000-000000000001',
        ...extra,
      }),
    ).rejects.toThrow();
    expect(service.rollback).not.toHaveBeenCalled();
  });

  it('deploy-service normalises the entity ref before the service sees it', async () => {
    const { run, service } = setup();
    await run('deploy-service', {
      entityRef: 'Component:Default/IBIAS-API',
      environment: 'staging',
      version: '1.1.0',
      strategy: 'canary',
    });
    expect(service.create.mock.calls[0][0].entityRef).toBe(
      'component:default/ibias-api',
    );
  });

  it('deployment-status normalises too', async () => {
    const { run, service } = setup();
    await run('deployment-status', {
      entityRef: 'COMPONENT:default/Ibias-Api',
    });
    expect(service.environments).toHaveBeenCalledWith(
      'component:default/ibias-api',
    );
  });

  it('rollback-deployment passes break-glass, and says when approval is pending', async () => {
    const { run, service } = setup();
    const out = await run('rollback-deployment', {
      deploymentId: '00000000-0000-4000-8000-000000000001',
      breakGlassReason: '  Checkout fails for everyone  ',
    });
    expect(service.rollback).toHaveBeenCalledWith(
      '00000000-0000-4000-8000-000000000001',
      {
        version: undefined,
        breakGlass: { reason: 'Checkout fails for everyone' },
      },
      'user:default/olivia.owner',
      expect.anything(),
    );
    expect(out.output).toEqual({
      deploymentId: 'd2',
      version: '1.0.0',
      status: 'pending_approval',
    });
  });
});
