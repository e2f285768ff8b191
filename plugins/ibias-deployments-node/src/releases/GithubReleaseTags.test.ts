import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  GithubReleaseTags,
  releaseVersion,
  releaseVersions,
} from './GithubReleaseTags';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        { host: 'github.com', token: 'gh-token' },
        {
          host: 'ghe.example:8443',
          apiBaseUrl: 'https://ghe.example:8443/api/v3/',
          token: 'ghe-token',
        },
        // No apiBaseUrl: its REST API cannot be found.
        { host: 'rawonly.example', rawBaseUrl: 'https://rawonly.example/raw' },
      ],
    },
  }),
);

describe('releaseVersion', () => {
  it.each([
    ['1.2.0', '1.2.0'],
    ['v1.2.0', '1.2.0'],
    ['0.0.1', '0.0.1'],
    ['1.0.0-rc.1', '1.0.0-rc.1'],
    ['2.0.0-beta-2.x', '2.0.0-beta-2.x'],
  ])('%s is release %s', (tag, version) => {
    expect(releaseVersion(tag)).toBe(version);
  });

  it.each([
    'nightly',
    '1.2',
    'V1.2.0',
    '01.2.0',
    '1.2.0+build.5', // '+' is neither an image tag nor a label value
    '1.0.0-01', // numeric identifiers have no leading zeros
    '1.0.0-',
    `1.0.0-${'a'.repeat(60)}`, // longer than a label value
    'release/1.2.0',
  ])('%s is no release', tag => {
    expect(releaseVersion(tag)).toBeUndefined();
  });
});

describe('releaseVersions', () => {
  it('lists release versions once each, newest first, v-prefix dropped', () => {
    expect(
      releaseVersions([
        'v1.10.0',
        'nightly',
        '1.2.0',
        'v1.2.0',
        '1.10.0-rc.1',
        '0.9.0',
        '1.0.0+build.5',
      ]),
    ).toEqual(['1.10.0', '1.10.0-rc.1', '1.2.0', '0.9.0']);
  });
});

describe('GithubReleaseTags.repository', () => {
  const tags = new GithubReleaseTags({ integrations });
  it.each([
    [
      'url:https://github.com/ibias/orders-api/tree/main/',
      {
        fullName: 'ibias/orders-api',
        url: 'https://github.com/ibias/orders-api',
        apiBaseUrl: 'https://api.github.com',
      },
    ],
    [
      'url:https://ghe.example:8443/team/orders-api.git',
      {
        fullName: 'team/orders-api',
        url: 'https://ghe.example:8443/team/orders-api',
        apiBaseUrl: 'https://ghe.example:8443/api/v3',
      },
    ],
  ])('%s is on GitHub', (location, repository) => {
    expect(tags.repository(location)).toEqual(repository);
  });

  it.each([
    [undefined],
    ['url:https://gitlab.com/ibias/orders-api/tree/main/'],
    ['url:https://ghe.example/team/orders-api'], // another port: another host
    ['url:https://rawonly.example/team/orders-api'],
    ['file:/srv/repos/orders-api/catalog-info.yaml'],
    ['url:https://github.com/ibias'],
    ['url:https://github.com/ibias/orders%2Fapi'],
    ['not a location'],
  ])('%s is not', location => {
    expect(tags.repository(location)).toBeUndefined();
  });
});

describe('GithubReleaseTags.versions answers what GitHub says, never an empty list', () => {
  const repository = {
    fullName: 'ibias/orders-api',
    url: 'https://github.com/ibias/orders-api',
    apiBaseUrl: 'https://api.github.com',
  };
  const json = (body: unknown, init: ResponseInit = {}) =>
    new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'Content-Type': 'application/json', ...init.headers },
      ...init,
    });
  const withFetch = (fetchImpl: typeof fetch) =>
    new GithubReleaseTags({ integrations, fetchImpl });

  it('is a clear error when GitHub cannot be reached', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED' },
    });
    await expect(
      withFetch(async () => Promise.reject(refused)).versions(repository),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'Could not list the release tags of ibias/orders-api on GitHub (https://api.github.com): GitHub cannot be reached (ECONNREFUSED)',
    });
  });

  it('is a clear error when GitHub refuses the credentials, with its message and without the token', async () => {
    const error = await withFetch(async () =>
      json({ message: 'Bad credentials' }, { status: 401 }),
    )
      .versions(repository)
      .catch(e => e);
    expect(error).toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'Could not list the release tags of ibias/orders-api on GitHub (https://api.github.com): GitHub answered 401: Bad credentials',
    });
    expect(error.message).not.toContain('gh-token');
  });

  it('is NotFound for a repository GitHub does not show', async () => {
    await expect(
      withFetch(async () =>
        json({ message: 'Not Found' }, { status: 404 }),
      ).versions(repository),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        'GitHub has no repository ibias/orders-api',
      ),
    });
  });

  it('is NotFound "no release tags" for a repository without semver tags', async () => {
    await expect(
      withFetch(async () =>
        json([{ name: 'nightly' }, { name: 'latest' }]),
      ).versions(repository),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message:
        'ibias/orders-api has no release tags: tag a release with its version (git tag 1.0.0 && git push --tags); only semantic versions such as 1.0.0 or v1.0.0 count (found 2 other tags)',
    });
  });

  it('never sends the token to another origin a Link header names', async () => {
    const asked: string[] = [];
    const tags = withFetch(async input => {
      asked.push(String(input));
      return json([{ name: '1.0.0' }], {
        headers: { Link: '<https://evil.example/next?page=2>; rel="next"' },
      });
    });
    await expect(tags.versions(repository)).rejects.toThrow(
      /GitHub sent a next page on another origin \(https:\/\/evil\.example\)/,
    );
    expect(asked).toEqual([
      'https://api.github.com/repos/ibias/orders-api/tags?per_page=100',
    ]);
  });

  it('sends the integration token and GitHub headers, and follows rel="next" to the last page', async () => {
    const asked: Array<{ url: string; headers: Record<string, string> }> = [];
    const tags = withFetch(async (input, init) => {
      const url = String(input);
      asked.push({ url, headers: init?.headers as Record<string, string> });
      return url.endsWith('page=2')
        ? json([{ name: '1.0.0' }])
        : json([{ name: 'v1.1.0' }, { name: 'nightly' }], {
            headers: {
              Link: '<https://api.github.com/repositories/7/tags?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/7/tags?per_page=100&page=2>; rel="last"',
            },
          });
    });
    expect(await tags.versions(repository)).toEqual(['1.1.0', '1.0.0']);
    expect(asked.map(a => a.url)).toEqual([
      'https://api.github.com/repos/ibias/orders-api/tags?per_page=100',
      'https://api.github.com/repositories/7/tags?per_page=100&page=2',
    ]);
    expect(asked[0].headers).toMatchObject({
      Authorization: 'Bearer gh-token',
      Accept: 'application/vnd.github+json',
    });
  });
});
