import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  startGithubLoopback,
  type GithubLoopback,
} from '@internal/ibias-test-utils';
import { GithubReleaseTags } from './GithubReleaseTags';

// A release's files read through the loopback GitHub (real git behind GitHub's REST
// shape): the tree of the tag, then each file's raw contents.
describe('GithubReleaseTags.filesAt on the loopback GitHub', () => {
  let github: GithubLoopback;
  let releases: GithubReleaseTags;

  beforeAll(async () => {
    github = await startGithubLoopback();
    releases = new GithubReleaseTags({
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({ integrations: { github: [github.integration] } }),
      ),
    });
    const repo = await github.createRepository('ai-recommendations');
    const fn = 'supabase/functions/ai-recommendations';
    await repo.commit(
      {
        [`${fn}/index.ts`]: "Deno.serve(() => new Response('1.0.0'));\n",
        [`${fn}/_shared/util.ts`]: 'export const v = 1;\n',
        'README.md': 'not part of the function\n',
      },
      '1.0.0',
    );
    await repo.commit(
      { [`${fn}/index.ts`]: "Deno.serve(() => new Response('1.1.0'));\n" },
      'v1.1.0',
    );
  }, 60_000);
  afterAll(() => github.close());

  const repository = () =>
    releases.repository(github.sourceLocation('ai-recommendations'))!;
  const text = (files: Array<{ name: string; content: Uint8Array }>) =>
    Object.fromEntries(
      files.map(f => [f.name, Buffer.from(f.content).toString('utf8')]),
    );

  it("reads the folder at each release's tag, v-prefixed or not", async () => {
    expect(await releases.versions(repository())).toEqual(['1.1.0', '1.0.0']);
    expect(
      text(
        await releases.filesAt(
          repository(),
          '1.0.0',
          'supabase/functions/ai-recommendations',
        ),
      ),
    ).toEqual({
      '_shared/util.ts': 'export const v = 1;\n',
      'index.ts': "Deno.serve(() => new Response('1.0.0'));\n",
    });
    expect(
      text(
        await releases.filesAt(
          repository(),
          '1.1.0',
          '/supabase/functions/ai-recommendations/',
        ),
      )['index.ts'],
    ).toBe("Deno.serve(() => new Response('1.1.0'));\n");
  });

  it('says clearly what is missing, and keeps to its bounds', async () => {
    await expect(
      releases.filesAt(repository(), '9.9.9', 'supabase/functions/x'),
    ).rejects.toThrow(
      'ibias-e2e/ai-recommendations has no tag 9.9.9 or v9.9.9',
    );
    await expect(
      releases.filesAt(repository(), '1.0.0', 'supabase/functions/other'),
    ).rejects.toThrow(
      'ibias-e2e/ai-recommendations has no folder supabase/functions/other at 1.0.0',
    );
    for (const dir of ['', '../x', 'supabase/../..']) {
      await expect(
        releases.filesAt(repository(), '1.0.0', dir),
      ).rejects.toThrow('is not a folder of ibias-e2e/ai-recommendations');
    }
    await expect(
      releases.filesAt(
        repository(),
        '1.0.0',
        'supabase/functions/ai-recommendations',
        { maxFiles: 1 },
      ),
    ).rejects.toThrow('holds 2 files, more than 1');
    await expect(
      releases.filesAt(
        repository(),
        '1.0.0',
        'supabase/functions/ai-recommendations',
        { maxBytes: 10 },
      ),
    ).rejects.toThrow('more than 10');
  });
});
