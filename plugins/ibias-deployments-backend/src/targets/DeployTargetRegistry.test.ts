import { ScriptedTarget } from '../testing/ScriptedTarget';
import { DeployTargetRegistry } from './DeployTargetRegistry';

describe('DeployTargetRegistry', () => {
  it('makes each chosen target once, only when an environment uses it', async () => {
    const registry = new DeployTargetRegistry();
    const made: string[] = [];
    const factory = (name: string) => ({
      name,
      create: ({ environments }: { environments: string[] }) => {
        made.push(`${name}: ${environments.join(', ')}`);
        return new ScriptedTarget(name);
      },
    });
    registry.addTarget(factory('local'));
    registry.addTarget(factory('kubernetes'));
    const ready = new ScriptedTarget('vercel');
    registry.addTarget(ready);
    const { byEnvironment, targets } = await registry.create({
      development: 'local',
      staging: 'local',
      production: 'vercel',
    });
    expect(made).toEqual(['local: development, staging']);
    expect(byEnvironment.development).toBe(byEnvironment.staging);
    expect(byEnvironment.production).toBe(ready);
    expect(targets.map(t => [t.target.name, t.environments])).toEqual([
      ['local', ['development', 'staging']],
      ['vercel', ['production']],
    ]);
  });

  it('refuses two targets of one name', () => {
    const registry = new DeployTargetRegistry();
    registry.addTarget(new ScriptedTarget('local'));
    expect(() => registry.addTarget(new ScriptedTarget('local'))).toThrow(
      'A deploy target named local is added twice',
    );
  });

  it('refuses an environment naming a target nobody installed, before making any', async () => {
    const registry = new DeployTargetRegistry();
    const create = jest.fn(() => new ScriptedTarget('local'));
    registry.addTarget({ name: 'local', create });
    await expect(
      registry.create({
        development: 'local',
        staging: 'local',
        production: 'vercel',
      }),
    ).rejects.toThrow(
      'ibias.deployments.environments.production.target is vercel, but no deploy target of that name is installed (installed: local)',
    );
    expect(create).not.toHaveBeenCalled();
  });

  it('makes each target named per service once too, telling it every environment it deploys in', async () => {
    const registry = new DeployTargetRegistry();
    const made: string[] = [];
    const factory = (name: string) => ({
      name,
      create: ({ environments }: { environments: string[] }) => {
        made.push(`${name}: ${environments.join(', ')}`);
        return new ScriptedTarget(name);
      },
    });
    registry.addTarget(factory('local'));
    registry.addTarget(factory('vercel'));
    registry.addTarget(factory('supabase'));
    registry.addTarget(factory('kubernetes'));
    const { byEnvironment, byService, targets } = await registry.create(
      { development: 'local', staging: 'local', production: 'local' },
      {
        staging: { 'component:default/ibias-web': 'vercel' },
        production: {
          'component:default/ibias-web': 'vercel',
          'component:default/ai-recommendations': 'supabase',
          'component:default/ibias-api': 'local',
        },
      },
    );
    expect(made).toEqual([
      'local: development, staging, production',
      'vercel: staging, production',
      'supabase: production',
    ]);
    expect(targets.map(t => t.target)).toEqual([
      byEnvironment.production,
      byService.staging['component:default/ibias-web'],
      byService.production['component:default/ai-recommendations'],
    ]);
    expect(byService.production['component:default/ibias-web']).toBe(
      byService.staging['component:default/ibias-web'],
    );
    expect(byService.production['component:default/ibias-api']).toBe(
      byEnvironment.production,
    );
    expect(byService.development).toEqual({});
  });

  it('refuses a service naming a target nobody installed, before making any', async () => {
    const registry = new DeployTargetRegistry();
    const create = jest.fn(() => new ScriptedTarget('local'));
    registry.addTarget({ name: 'local', create });
    await expect(
      registry.create(
        { development: 'local', staging: 'local', production: 'local' },
        { staging: { 'component:default/ibias-web': 'vercel' } },
      ),
    ).rejects.toThrow(
      'ibias.deployments.environments.staging.targetsByService.component:default/ibias-web is vercel, but no deploy target of that name is installed (installed: local)',
    );
    expect(create).not.toHaveBeenCalled();
  });
});
