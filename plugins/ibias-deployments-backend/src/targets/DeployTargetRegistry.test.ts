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
});
