import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ProcessSupervisor, instanceKey } from './ProcessSupervisor';

describe('ProcessSupervisor registry', () => {
  it('many saves at once leave one whole, readable registry of what runs last', async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-registry-'));
    const supervisor = new ProcessSupervisor({
      workDir,
      logger: mockServices.logger.mock(),
      prometheusTargetsFile: path.join(workDir, 'prometheus', 'targets.json'),
    });
    // Forty services, each with one running release of a different length of name, as
    // the restore at start brings them back at once (no real processes: the entries are
    // what the registry writes).
    const refs = Array.from({ length: 40 }, (_, i) => ({
      service: `svc-${'x'.repeat(i)}`,
      entityRef: `component:default/svc-${'x'.repeat(i)}`,
      environment: 'development' as const,
    }));
    const instances = (
      supervisor as unknown as { instances: Map<string, unknown[]> }
    ).instances;
    refs.forEach((ref, i) =>
      instances.set(instanceKey(ref), [
        {
          version: '1.0.0',
          commit: 'abc',
          port: 40_000 + i,
          child: { pid: undefined },
          identity: { pid: 1000 + i, bootId: 'b', startTicks: String(i) },
        },
      ]),
    );
    // Every other service is retained empty, all at once: forty saves race.
    await Promise.all(
      refs.map((ref, i) => supervisor.retain(ref, i % 2 ? null : '1.0.0')),
    );
    const registry = JSON.parse(
      fs.readFileSync(path.join(workDir, 'processes.json'), 'utf8'),
    );
    expect(registry).toHaveLength(20);
    const targets = JSON.parse(
      fs.readFileSync(path.join(workDir, 'prometheus', 'targets.json'), 'utf8'),
    );
    expect(targets).toHaveLength(20);
    expect(fs.readdirSync(workDir).filter(f => f.endsWith('.tmp'))).toEqual([]);
  });
});
