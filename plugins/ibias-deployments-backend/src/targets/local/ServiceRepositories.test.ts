import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTinyRepository } from '../../testing/tinyService';
import type { TargetRef } from '@internal/plugin-ibias-deployments-node';
import {
  ServiceRepositories,
  type SampleRepository,
} from './ServiceRepositories';

// Whose releases an entity gets: only its own repository's (the catalog read it from
// there), or a configured sample's; nothing reaches another entity's code.
describe('ServiceRepositories', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-repos-'));
  const reposDir = path.join(dir, 'repos');
  const real = (p: string) => fs.realpathSync(p);
  createTinyRepository(path.join(reposDir, 'tiny'), ['1.0.0']);
  createTinyRepository(path.join(dir, 'sample-repos', 'sample'), ['1.0.0']);
  createTinyRepository(path.join(dir, 'elsewhere'), ['1.0.0']);
  // A folder in the repositories folder that is a symlink to a repository elsewhere.
  fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(reposDir, 'linked'));
  // A repository whose catalog-info.yaml is a symlink.
  createTinyRepository(path.join(reposDir, 'link-info'), ['1.0.0']);
  fs.rmSync(path.join(reposDir, 'link-info', 'catalog-info.yaml'));
  fs.symlinkSync(
    path.join(dir, 'elsewhere', 'catalog-info.yaml'),
    path.join(reposDir, 'link-info', 'catalog-info.yaml'),
  );
  // A folder with a catalog-info.yaml but no git repository of its own (inside one).
  fs.mkdirSync(path.join(reposDir, 'no-git'));
  fs.writeFileSync(path.join(reposDir, 'no-git', 'catalog-info.yaml'), '');
  // A repository whose .git is a file pointing at another repository's git folder.
  fs.mkdirSync(path.join(reposDir, 'git-file'));
  fs.writeFileSync(path.join(reposDir, 'git-file', 'catalog-info.yaml'), '');
  fs.writeFileSync(
    path.join(reposDir, 'git-file', '.git'),
    `gitdir: ${path.join(dir, 'elsewhere', '.git')}\n`,
  );
  // The repositories folder reached through a symlink.
  fs.symlinkSync(reposDir, path.join(dir, 'repos-link'));

  const samples = new Map<string, SampleRepository>([
    ['sample', { dir: path.join(dir, 'sample-repos', 'sample') }],
    ['broken', { problem: '1.1.0.patch does not apply to broken 1.0.0' }],
  ]);
  const repositories = new ServiceRepositories({ reposDir, samples });
  const fileOf = (name: string) =>
    `file:${real(reposDir)}/${name}/catalog-info.yaml`;
  const ref = (entityRef: string, managedBy?: string): TargetRef => ({
    service: entityRef.split('/').pop()!,
    entityRef,
    environment: 'development',
    locations: { managedBy },
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'another kind of the same name',
      ref('resource:default/tiny', fileOf('tiny')),
      'it deploys Components of the default namespace only',
    ],
    [
      'another namespace of the same name',
      ref('component:other/tiny', fileOf('tiny')),
      'it deploys Components of the default namespace only',
    ],
    [
      'a component the catalog read from somewhere else',
      ref(
        'component:default/tiny',
        'url:https://github.com/evil/tiny/blob/main/catalog-info.yaml',
      ),
      'the catalog did not read it from the repository tiny in ibias.scaffolder.localReposDir',
    ],
    [
      'a component whose location is not known',
      ref('component:default/tiny'),
      'the catalog did not read it from the repository tiny',
    ],
    [
      'the location spelled through a symlinked repositories folder',
      ref(
        'component:default/tiny',
        `file:${path.join(dir, 'repos-link')}/tiny/catalog-info.yaml`,
      ),
      'the catalog did not read it from the repository tiny',
    ],
    [
      'a repository folder that is a symlink',
      ref('component:default/linked', fileOf('linked')),
      'it is neither a service created in the portal',
    ],
    [
      'a catalog-info.yaml that is a symlink',
      ref('component:default/link-info', fileOf('link-info')),
      'it is neither a service created in the portal',
    ],
    [
      'a folder without a git folder of its own',
      ref('component:default/no-git', fileOf('no-git')),
      'its repository no-git in ibias.scaffolder.localReposDir is not a git repository',
    ],
    [
      'a .git file pointing elsewhere',
      ref('component:default/git-file', fileOf('git-file')),
      'its repository git-file in ibias.scaffolder.localReposDir is not a git repository',
    ],
    [
      'a sample whose repository could not be made',
      ref('component:default/broken'),
      "the sample's repository could not be made (1.1.0.patch does not apply to broken 1.0.0); see the portal's log",
    ],
    [
      'a component with no repository and no sample',
      ref('component:default/nothing-here'),
      'it is neither a service created in the portal (a git repository nothing-here in ibias.scaffolder.localReposDir, read into the catalog) nor a sample (ibias.deployments.local.samples). Create services with an IBIAS template (Create → IBIAS service), or add nothing-here to ibias.deployments.local.samples',
    ],
  ])('refuses %s, saying why', async (_label, r, why) => {
    const found = await repositories.find(r);
    expect(found).toEqual({
      refused: expect.stringContaining(
        `The local target has no releases for ${r.entityRef}: ${why}`,
      ),
    });
  });

  it('finds the repository the catalog read the component from', async () => {
    const found = await repositories.find(
      ref('component:default/tiny', fileOf('tiny')),
    );
    expect(found).toMatchObject({ name: 'tiny', kind: 'repository' });
    expect('repository' in found && found.repository.dir).toBe(
      path.join(real(reposDir), 'tiny'),
    );
    // Configured through a symlink, the folder is compared by its real path, as the
    // provider emits it.
    const viaLink = new ServiceRepositories({
      reposDir: path.join(dir, 'repos-link'),
      samples,
    });
    expect(
      await viaLink.find(ref('component:default/tiny', fileOf('tiny'))),
    ).toMatchObject({ kind: 'repository' });
  });

  it('asks the catalog where the entity was read from when the ref does not say', async () => {
    const asked: string[] = [];
    const located = new ServiceRepositories({
      reposDir,
      samples,
      locate: async entityRef => {
        asked.push(entityRef);
        return { managedBy: fileOf('tiny') };
      },
    });
    const r = { ...ref('component:default/tiny'), locations: undefined };
    expect(await located.find(r)).toMatchObject({ kind: 'repository' });
    expect(asked).toEqual(['component:default/tiny']);
    // A sample needs no catalog: nothing is asked.
    expect(
      await located.find({
        ...ref('component:default/sample'),
        locations: undefined,
      }),
    ).toMatchObject({ kind: 'sample' });
    expect(asked).toHaveLength(1);
  });

  it('a sample is component:default/<name> only', async () => {
    expect(
      await repositories.find(ref('component:default/sample')),
    ).toMatchObject({ name: 'sample', kind: 'sample' });
    expect(await repositories.find(ref('component:other/sample'))).toEqual({
      refused: expect.stringContaining('default namespace only'),
    });
  });
});
