import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { writeTinyService } from '../../testing/tinyService';
import { LocalTarget } from './LocalTarget';

jest.setTimeout(120_000);

describe('LocalTarget', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-local-'));
  writeTinyService(path.join(dir, 'services', 'tiny'));
  const target = new LocalTarget({
    servicesDir: path.join(dir, 'services'),
    workDir: path.join(dir, 'work'),
    releases: { tiny: { '1.0.0': {}, '1.1.0': {} } },
    load: {},
    logger: mockServices.logger.mock(),
  });
  const ref = {
    service: 'tiny',
    entityRef: 'component:default/tiny',
    environment: 'development' as const,
  };

  afterAll(async () => {
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says starting while it brings back what ran before a restart, then healthy', async () => {
    expect(await target.health(ref)).toBe('unknown');
    const restoring = target.restore(ref, '1.1.0');
    expect(await target.health(ref)).toBe('starting');
    await restoring;
    expect(await target.health(ref)).toBe('healthy');
    expect(await target.traffic(ref)).toEqual({ '1.1.0': 100 });
    const res = await fetch(`${target.url(ref)}/health`);
    expect((await res.json()).version).toBe('1.1.0');
  });

  it('a deploy that starts while a restore is under way is not switched back by it', async () => {
    const other = { ...ref, environment: 'staging' as const };
    const restoring = target.restore(other, '1.0.0');
    // The engine, approved right after a restart: deploy 1.1.0 and switch to it.
    const deploying = (async () => {
      await target.deploy(other, '1.1.0');
      await target.setTraffic(other, '1.1.0', 100, '1.0.0');
    })();
    await Promise.all([restoring, deploying]);
    expect(await target.traffic(other)).toEqual({ '1.1.0': 100 });
    const res = await fetch(`${target.url(other)}/health`);
    expect((await res.json()).version).toBe('1.1.0');
  });

  it('refuses a version it has no release for, naming the known ones', async () => {
    await expect(target.deploy(ref, '9.9.9')).rejects.toThrow(
      'tiny has no release 9.9.9; known: 1.0.0, 1.1.0',
    );
  });
});
