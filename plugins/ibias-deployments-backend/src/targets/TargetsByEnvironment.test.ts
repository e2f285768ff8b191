import { ScriptedTarget } from '../testing/ScriptedTarget';
import { TargetsByEnvironment } from './TargetsByEnvironment';

describe('TargetsByEnvironment', () => {
  it('sends each call to the target of the environment', async () => {
    const local = new ScriptedTarget();
    const cluster = new ScriptedTarget();
    const targets = new TargetsByEnvironment({
      development: local,
      staging: local,
      production: cluster,
    });
    const ref = (environment: 'development' | 'staging' | 'production') => ({
      service: 'ibias-api',
      entityRef: 'component:default/ibias-api',
      environment,
    });
    await targets.deploy(ref('staging'), '1.1.0');
    await targets.deploy(ref('production'), '1.0.0');
    await targets.setTraffic(ref('production'), '1.0.0', 100, null);
    expect(local.calls).toEqual(['deploy 1.1.0']);
    expect(cluster.calls).toEqual(['deploy 1.0.0', 'traffic 1.0.0=100']);
    expect(await targets.traffic(ref('production'))).toEqual({ '1.0.0': 100 });
    expect(await targets.traffic(ref('development'))).toEqual({});
    expect(targets.endpoints(ref('staging'))).toEqual([]);
    expect(targets.name).toBe('scripted');
  });
});
