import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTinyRepository,
  git,
  tagTinyRelease,
} from '../../testing/tinyService';
import type { TargetRef } from '@internal/plugin-ibias-deployments-node';
import { LocalTarget } from './LocalTarget';

jest.setTimeout(180_000);

// Services created in the portal: their versions are their repository's release tags, a
// release is built from its tag (cached by the tag's commit) and runs that tag's code.
describe('LocalTarget', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-local-'));
  const reposDir = path.join(dir, 'repos');
  const repo = path.join(reposDir, 'tiny');
  createTinyRepository(repo, ['1.0.0', '1.1.0']);
  const managedBy = `file:${fs.realpathSync(reposDir)}/tiny/catalog-info.yaml`;
  const logger = mockServices.logger.mock();
  const located: string[] = [];
  const target = new LocalTarget({
    reposDir,
    workDir: path.join(dir, 'work'),
    // The catalog, for refs rebuilt from a stored deployment (no locations).
    locate: async entityRef => {
      located.push(entityRef);
      return entityRef === 'component:default/tiny' ? { managedBy } : undefined;
    },
    load: {},
    logger,
  });
  const ref: TargetRef = {
    service: 'tiny',
    entityRef: 'component:default/tiny',
    environment: 'development',
    locations: { managedBy },
  };
  const builds = () =>
    logger.info.mock.calls.filter(([m]) => String(m).startsWith('Building'))
      .length;
  const get = async (url: string) => (await fetch(url)).json();

  afterAll(async () => {
    await target.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a version that is not a release tag before it reaches git, naming the known ones', async () => {
    git(repo, 'tag', 'latest');
    git(repo, 'tag', 'v2.0.0');
    for (const version of [
      '9.9.9',
      '--upload-pack=touch pwned',
      '1.0.0^{tree}',
      'HEAD',
      'main',
      'latest',
      '../1.0.0',
    ]) {
      await expect(target.deploy(ref, version)).rejects.toThrow(
        `tiny has no release ${version}; known: 1.1.0, 1.0.0`,
      );
    }
    expect(fs.existsSync(path.join(repo, 'pwned'))).toBe(false);
    expect(builds()).toBe(0);
  });

  it('lists the release tags newest first, nothing else', async () => {
    expect(await target.versions(ref)).toEqual(['1.1.0', '1.0.0']);
    expect(await target.cannotDeploy(ref)).toBeUndefined();
  });

  it('says starting while it brings back what ran before a restart, then healthy (the catalog says where it lives)', async () => {
    const restoredRef = { ...ref, locations: undefined };
    expect(await target.health(restoredRef)).toBe('unknown');
    const restoring = target.restore(restoredRef, '1.1.0');
    expect(await target.health(restoredRef)).toBe('starting');
    await restoring;
    expect(located).toContain('component:default/tiny');
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

  it('each release runs the code of its tag, with its commit, built once per commit', async () => {
    const other = { ...ref, environment: 'staging' as const };
    const byVersion = Object.fromEntries(
      target.endpoints(other).map(e => [e.version, e.url]),
    );
    expect(await get(`${byVersion['1.0.0']}/code`)).toEqual({
      release: '1.0.0',
    });
    expect(await get(`${byVersion['1.1.0']}/code`)).toEqual({
      release: '1.1.0',
    });
    expect((await get(`${byVersion['1.1.0']}/env`)).GIT_COMMIT).toBe(
      git(repo, 'rev-parse', '1.1.0^{commit}'),
    );
    // development and staging share the builds: one per commit.
    expect(builds()).toBe(2);
    const folders = fs.readdirSync(path.join(dir, 'work', 'builds', 'tiny'));
    expect(folders.sort()).toEqual(
      [
        git(repo, 'rev-parse', '1.0.0^{commit}'),
        git(repo, 'rev-parse', '1.1.0^{commit}'),
      ].sort(),
    );
  });

  it('a new tag pushed from a clone shows up in versions() at once, and deploys', async () => {
    const clone = path.join(dir, 'clone');
    git(dir, 'clone', '--quiet', repo, clone);
    tagTinyRelease(clone, '1.2.0');
    git(clone, 'push', '--quiet', '--tags', 'origin', 'main');
    expect(await target.versions(ref)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    // The work tree the catalog reads follows the push.
    expect(
      JSON.parse(fs.readFileSync(path.join(repo, 'code.json'), 'utf8')),
    ).toEqual({ release: '1.2.0' });
    const prod = { ...ref, environment: 'production' as const };
    await target.deploy(prod, '1.2.0');
    expect(await get(`${target.endpoints(prod)[0].url}/code`)).toEqual({
      release: '1.2.0',
    });
  });

  it('a moved tag is built again from its new commit', async () => {
    const before = builds();
    const commit = tagTinyRelease(repo, '1.0.0', {
      start: 'node dist/other.js',
    });
    const prod = { ...ref, environment: 'production' as const };
    await target.deploy(prod, '1.0.0');
    expect(builds()).toBe(before + 1);
    const url = target.endpoints(prod).find(e => e.version === '1.0.0')!.url;
    expect((await get(`${url}/env`)).GIT_COMMIT).toBe(commit);
    expect(
      fs.existsSync(path.join(dir, 'work', 'builds', 'tiny', commit)),
    ).toBe(true);
  });

  it('a broken build fails with the step and exit code, never its output, and is not kept', async () => {
    const commit = tagTinyRelease(repo, '1.3.0', {
      fail: { code: 3, output: 'npm ERR! token=s3cr3t-from-the-log' },
    });
    const failure = target.deploy({ ...ref, environment: 'staging' }, '1.3.0');
    await expect(failure).rejects.toThrow(
      `Building tiny 1.3.0 (${commit.slice(
        0,
        12,
      )}) failed: npm run build failed (exit 3)`,
    );
    await expect(failure).rejects.not.toThrow(/s3cr3t/);
    expect(
      fs
        .readdirSync(path.join(dir, 'work', 'builds', 'tiny'))
        .filter(f => f.includes(commit)),
    ).toEqual([]);
  });

  it('refuses an entry outside the release', async () => {
    tagTinyRelease(repo, '1.4.0', { start: 'node ../../../evil.js' });
    await expect(
      target.deploy({ ...ref, environment: 'staging' }, '1.4.0'),
    ).rejects.toThrow(
      /^Building tiny 1\.4\.0 \([0-9a-f]{12}\) failed: package\.json’s start script names an entry outside the release$/,
    );
  });

  it('builds of one service run one at a time', async () => {
    const buildLog = path.join(dir, 'build-order.log');
    tagTinyRelease(repo, '2.0.0', { buildLog });
    tagTinyRelease(repo, '2.1.0', { buildLog });
    await Promise.all([
      target.deploy({ ...ref, environment: 'staging' }, '2.0.0'),
      target.deploy({ ...ref, environment: 'production' }, '2.1.0'),
    ]);
    const lines = fs
      .readFileSync(buildLog, 'utf8')
      .trim()
      .split('\n')
      .map(l => l.split(' ')[0]);
    expect(lines).toEqual(['start', 'end', 'start', 'end']);
  });
});
