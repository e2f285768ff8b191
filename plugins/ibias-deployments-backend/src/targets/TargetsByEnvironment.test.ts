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

describe('TargetsByEnvironment with targetsByService', () => {
  const local = new ScriptedTarget('local');
  const cluster = new ScriptedTarget('kubernetes');
  /** A hosted target: it knows its services' health, URL and endpoints. */
  class HostedTarget extends ScriptedTarget {
    async health() {
      return 'healthy' as const;
    }
    url(ref: { service: string }) {
      return `https://${ref.service}.vercel.app`;
    }
    endpoints(ref: { service: string }) {
      return [{ version: '2.0.0', url: this.url(ref) }];
    }
  }
  const vercel = new HostedTarget('vercel');
  vercel.refusals['component:default/ibias-web'] = 'no build command';
  vercel.live = { '2.0.0': 100 };
  const targets = new TargetsByEnvironment(
    { development: local, staging: local, production: cluster },
    {
      // Written as config may spell it: the routing ignores letter case.
      staging: { 'Component:Default/IBIAS-Web': vercel },
      production: { 'component:default/ibias-web': vercel },
    },
  );
  type Environment = 'development' | 'staging' | 'production';

  it.each<[Environment, string, ScriptedTarget]>([
    ['development', 'component:default/ibias-web', local],
    ['staging', 'component:default/ibias-web', vercel],
    ['staging', 'COMPONENT:default/Ibias-Web', vercel],
    ['staging', 'component:default/ibias-api', local],
    ['staging', 'component:other/ibias-web', local],
    ['production', 'component:default/ibias-web', vercel],
    ['production', 'component:default/ibias-api', cluster],
  ])('%s, %s → %s', (environment, entityRef, expected) => {
    expect(targets.targetOf({ environment, entityRef }).name).toBe(
      expected.name,
    );
  });

  it('sends every method of an overridden service to its target, others to the default', async () => {
    const web = {
      service: 'ibias-web',
      entityRef: 'component:default/ibias-web',
      environment: 'production' as const,
    };
    const api = {
      ...web,
      service: 'ibias-api',
      entityRef: 'component:default/ibias-api',
    };
    await targets.deploy(web, '2.0.0');
    await targets.deploy(api, '1.0.0');
    await targets.setTraffic(web, '2.0.0', 100, null);
    await targets.retain(web, '2.0.0');
    expect(vercel.calls).toEqual([
      'deploy 2.0.0',
      'traffic 2.0.0=100',
      'retain 2.0.0',
    ]);
    expect(cluster.calls).toEqual(['deploy 1.0.0']);
    expect(await targets.cannotDeploy(web)).toBe('no build command');
    expect(await targets.cannotDeploy(api)).toBeUndefined();
    expect(await targets.traffic(web)).toEqual({ '2.0.0': 100 });
    expect(await targets.traffic(api)).toEqual({});
    expect(
      await targets.trafficHistory(web, {
        fromMs: 0,
        toMs: 1000,
        stepMs: 1000,
      }),
    ).toBeDefined();
    expect(
      await targets.trafficHistory(api, {
        fromMs: 0,
        toMs: 1000,
        stepMs: 1000,
      }),
    ).toBeUndefined();
    expect(await targets.health(web)).toBe('healthy');
    expect(await targets.health(api)).toBe('unknown');
    expect(targets.url(web)).toBe('https://ibias-web.vercel.app');
    expect(targets.url(api)).toBeUndefined();
    expect(targets.endpoints(web)).toEqual([
      { version: '2.0.0', url: 'https://ibias-web.vercel.app' },
    ]);
    expect(targets.endpoints(api)).toEqual([]);
    expect(targets.name).toBe('local+kubernetes+vercel');
    // What the versions list and its errors name: the target of that service.
    expect(targets.nameFor(web)).toBe('vercel');
    expect(targets.nameFor(api)).not.toBe('vercel');
  });
});
