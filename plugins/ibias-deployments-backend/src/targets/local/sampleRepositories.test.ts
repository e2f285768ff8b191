import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  git,
  writeTinyReleasePatch,
  writeTinyService,
} from '../../testing/tinyService';
import { GitRepository } from './GitRepository';
import {
  prepareSampleRepository,
  SampleRepositoryError,
} from './sampleRepositories';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../../../../..');
const servicesDir = path.join(root, 'services');
const releasesDir = path.join(servicesDir, 'releases');

const show = (repo: string, rev: string) => git(repo, 'show', rev);

// The samples in services/ become repositories whose tags hold different code: the
// folder (what the template renders) is 1.0.0, each patch in services/releases/<name> a
// later release. A template change that a patch no longer applies to fails here.
describe.each(['ibias-api', 'ai-recommendations'])(
  'the %s sample repository',
  name => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-samples-'));
    let repo: string;

    beforeAll(async () => {
      repo = await prepareSampleRepository(
        {
          name,
          source: path.join(servicesDir, name),
          patches: path.join(releasesDir, name),
        },
        work,
      );
    });
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    it('has the releases 1.2.0, 1.1.0 and 1.0.0', async () => {
      const repository = await GitRepository.open(repo);
      expect(await repository!.releases()).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    });

    it('1.0.0 is the sample’s folder as its template renders it', () => {
      for (const file of ['src/app.ts', 'src/config.ts', 'package.json']) {
        expect(show(repo, `1.0.0:${file}`)).toBe(
          fs.readFileSync(path.join(servicesDir, name, file), 'utf8').trim(),
        );
      }
      // Nothing the sample's .gitignore leaves out, nothing installed or built.
      const files = git(repo, 'ls-tree', '-r', '--name-only', '1.0.0').split(
        '\n',
      );
      expect(files).toContain('package-lock.json');
      expect(files.filter(f => /(^|\/)(node_modules|dist)\//.test(f))).toEqual(
        [],
      );
    });

    it('1.1.0 answers with its version in a header; 1.2.0 carries its fault in its code', () => {
      expect(show(repo, '1.0.0:src/app.ts')).not.toContain('X-Service-Version');
      expect(show(repo, '1.1.0:src/app.ts')).toContain(
        "res.setHeader('X-Service-Version', config.version);",
      );
      expect(show(repo, '1.1.0:src/config.ts')).toContain(
        'faultRate: fraction(env.FAULT_RATE),',
      );
      expect(show(repo, '1.2.0:src/config.ts')).toContain(
        "faultRate: fraction(env.FAULT_RATE ?? '0.2'),",
      );
      expect(show(repo, '1.2.0:src/app.ts')).toContain('X-Service-Version');
    });
  },
);

describe('prepareSampleRepository', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-sample-prep-'));
  const source = path.join(work, 'services', 'tiny');
  const patches = path.join(work, 'releases', 'tiny');
  const reposDir = path.join(work, 'sample-repos');
  const sample = { name: 'tiny', source, patches };
  writeTinyService(source);
  fs.mkdirSync(path.join(source, 'node_modules', 'x'), { recursive: true });
  fs.writeFileSync(path.join(source, 'node_modules', 'x', 'index.js'), '');
  writeTinyReleasePatch(patches, '1.0.0', '1.1.0');
  const tags = (repo: string) =>
    git(repo, 'show-ref', '--tags').split('\n').sort();

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('tags the folder 1.0.0 and each patch on top, without what is installed', async () => {
    const repo = await prepareSampleRepository(sample, reposDir);
    expect(repo).toBe(path.join(reposDir, 'tiny'));
    expect(show(repo, '1.0.0:code.json')).toBe('{"release":"1.0.0"}');
    expect(show(repo, '1.1.0:code.json')).toBe('{"release":"1.1.0"}');
    expect(git(repo, 'ls-tree', '-r', '--name-only', '1.1.0')).not.toContain(
      'node_modules',
    );
  });

  it('reuses the repository while its source is unchanged, and makes the same commits again', async () => {
    const repo = path.join(reposDir, 'tiny');
    const before = tags(repo);
    const marker = path.join(repo, '.git', 'untouched');
    fs.writeFileSync(marker, '');
    await prepareSampleRepository(sample, reposDir);
    expect(fs.existsSync(marker)).toBe(true);
    // Made again from scratch (another machine, a wiped work folder): same commits, so
    // the builds cached by commit stay valid.
    fs.rmSync(repo, { recursive: true });
    await prepareSampleRepository(sample, reposDir);
    expect(tags(repo)).toEqual(before);
  });

  it('remakes the repository when the sample changes', async () => {
    const repo = path.join(reposDir, 'tiny');
    const before = tags(repo);
    fs.writeFileSync(path.join(source, 'NOTES.md'), 'changed\n');
    await prepareSampleRepository(sample, reposDir);
    expect(show(repo, '1.0.0:NOTES.md')).toBe('changed');
    expect(tags(repo)).not.toEqual(before);
  });

  it('names the patch that no longer applies, and leaves the last good repository', async () => {
    const repo = path.join(reposDir, 'tiny');
    const before = tags(repo);
    writeTinyService(source, { release: '1.0.1' });
    await expect(prepareSampleRepository(sample, reposDir)).rejects.toThrow(
      new SampleRepositoryError(
        'releases/tiny/1.1.0.patch does not apply to tiny 1.0.0 (git apply exit 1)',
      ),
    );
    expect(tags(repo)).toEqual(before);
    expect(fs.readdirSync(reposDir)).toEqual(['tiny']);
    writeTinyService(source);
  });

  it('refuses a patch not named after a later release', async () => {
    fs.writeFileSync(path.join(patches, 'next.patch'), '');
    await expect(prepareSampleRepository(sample, reposDir)).rejects.toThrow(
      'next.patch is not named <version>.patch for a release after 1.0.0',
    );
    fs.rmSync(path.join(patches, 'next.patch'));
  });
});
