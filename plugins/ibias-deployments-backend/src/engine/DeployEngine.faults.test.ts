import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  DEFAULT_ANALYSIS_POLICY,
  isTerminal,
  planSteps,
} from '@internal/plugin-ibias-deployments-common';
import { OutageStore } from '../testing/OutageStore';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { testStore } from '../testing/testStore';
import { DeployEngine } from './DeployEngine';

// Issue 11: the engine survives its database. An outage in the middle of a deploy is
// waited out (the writes retry with backoff) and the deploy goes on; an outage longer
// than the retries ends with the previous version live, and the sweep brings the record
// in line once the database is back. Either way the traffic and the stored state agree.

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

describe.each(databases.eachSupportedId())(
  'DeployEngine when %s goes away',
  id => {
    async function setup(options: {
      databaseRetryMs: number;
      leaseMs?: number;
    }) {
      const outage = new OutageStore(await testStore(databases, id));
      const target = new ScriptedTarget();
      const engine = new DeployEngine({
        store: outage.store,
        target,
        logger: mockServices.logger.mock(),
        analysisPolicy: () => ({
          ...DEFAULT_ANALYSIS_POLICY,
          intervalSeconds: 0.01,
          intervals: 1,
          consecutiveBreaches: 1,
          minSamples: 1,
        }),
        databaseRetryMs: options.databaseRetryMs,
        leaseMs: options.leaseMs ?? 30_000,
        heartbeatMs: (options.leaseMs ?? 30_000) / 3,
      });
      const queued = async (version: string, previousVersion: string | null) =>
        (
          await outage.store.create({
            entityRef: 'component:default/ibias-api',
            environment: 'staging',
            version,
            previousVersion,
            strategy: 'canary',
            status: 'queued',
            steps: planSteps('canary'),
            initiatedBy: 'user:default/guest',
          })
        ).deployment;
      return { outage, target, engine, queued };
    }

    it.each([
      ['deploy 1.1.0', 'the new version starts'],
      ['traffic 1.1.0=10', 'the first traffic shift'],
      ['traffic 1.1.0=100', 'the last traffic shift'],
      ['retain 1.1.0', 'the clean-up'],
    ])(
      'a 1.5 s outage at %s (%s) is waited out: the canary succeeds, its lock is free',
      async call => {
        const { outage, target, engine, queued } = await setup({
          databaseRetryMs: 20_000,
        });
        const first = await queued('1.0.0', null);
        engine.submit(first.id);
        await engine.settled(first.id);

        // The database goes away right after the target call, before the engine records it.
        let outageOver: Promise<void> | undefined;
        const calls = target.calls;
        target.calls = new Proxy(calls, {
          get(t, p, r) {
            if (p === 'push') {
              return (...items: string[]) => {
                if (items.includes(call) && !outageOver) {
                  outageOver = outage.outage(1500);
                }
                return t.push(...items);
              };
            }
            return Reflect.get(t, p, r);
          },
        });
        const d = await queued('1.1.0', '1.0.0');
        engine.submit(d.id);
        await engine.settled(d.id);
        await outageOver;
        expect(outage.refused.length).toBeGreaterThan(0);
        const done = (await outage.store.get(d.id))!;
        expect(done.status).toBe('succeeded');
        expect(done.steps.every(s => s.status === 'succeeded')).toBe(true);
        expect(
          await outage.store.lockHolder(d.entityRef, 'staging'),
        ).toBeUndefined();
        expect(target.live).toEqual({ '1.1.0': 100 });
        expect((await outage.store.environmentStates())[0].version).toBe(
          '1.1.0',
        );
      },
    );

    it('an outage longer than the retries: the previous version is live at once, and once the database is back the sweep rolls the record back and frees the lock', async () => {
      const { outage, target, engine, queued } = await setup({
        databaseRetryMs: 300,
        leaseMs: 200,
      });
      const first = await queued('1.0.0', null);
      engine.submit(first.id);
      await engine.settled(first.id);

      let outageOver: Promise<void> | undefined;
      const { setTraffic } = target;
      target.setTraffic = async (...args) => {
        await setTraffic.apply(target, args);
        if (args[1] === '1.1.0' && !outageOver)
          outageOver = outage.outage(2000);
      };
      const d = await queued('1.1.0', '1.0.0');
      engine.submit(d.id);
      await engine.settled(d.id);
      // The engine gave up writing, but it put the previous version back first.
      expect(target.live).toEqual({ '1.0.0': 100 });
      await outageOver;
      expect((await outage.store.get(d.id))!.status).toBe('running');
      // Nobody beats its heartbeat any more: a sweep that has seen it unchanged for a
      // whole lease takes it over.
      expect(await engine.sweep()).toEqual({ started: [], rolledBack: [] });
      await new Promise(r => setTimeout(r, 250));
      const { rolledBack } = await engine.sweep();
      expect(rolledBack).toEqual([d.id]);
      await engine.settled(d.id);
      const done = (await outage.store.get(d.id))!;
      expect(isTerminal(done.status)).toBe(true);
      expect(done.status).toBe('rolled_back');
      expect(done.reason).toMatch(/no heartbeat for \d+ s/);
      expect(
        await outage.store.lockHolder(d.entityRef, 'staging'),
      ).toBeUndefined();
      expect(target.live).toEqual({ '1.0.0': 100 });
      expect((await outage.store.environmentStates())[0].version).toBe('1.0.0');
    });
  },
);
