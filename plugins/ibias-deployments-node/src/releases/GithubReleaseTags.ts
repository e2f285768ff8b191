import { parseLocationRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { releasesNewestFirst } from '@internal/plugin-ibias-deployments-common';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';

/** A repository on a host a GitHub integration covers. */
export interface GithubRepository {
  /** `owner/repo`. */
  fullName: string;
  /** The repository's web URL, e.g. https://github.com/ibias/orders-api. */
  url: string;
  /** The integration's REST API, e.g. https://api.github.com. */
  apiBaseUrl: string;
}

// Semantic versions without build metadata: a version is also an image tag and a label
// value, and neither may hold a '+'. A leading 'v' (v1.2.0) is dropped, as the
// template's pipeline does when it tags the image.
const identifier = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const SEMVER_TAG = new RegExp(
  `^v?((0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${identifier}(?:\\.${identifier})*))?)$`,
);
/** A label value holds at most 63 characters. */
const MAX_VERSION_LENGTH = 63;

/** The release version a tag names (`1.2.0`, `v1.2.0` → 1.2.0), or undefined. */
export function releaseVersion(tag: string): string | undefined {
  const m = SEMVER_TAG.exec(tag);
  return m && m[1].length <= MAX_VERSION_LENGTH ? m[1] : undefined;
}

/**
 * The release versions among tag names: semver only, once each, newest first (the order
 * of every target's versions; precedence from -common's compareReleases).
 */
export function releaseVersions(tags: string[]): string[] {
  return releasesNewestFirst(
    tags.map(releaseVersion).filter((v): v is string => v !== undefined),
  );
}

export interface GithubReleaseTagsOptions {
  integrations: ScmIntegrationRegistry;
  /** Defaults to the integrations' own (tokens or GitHub Apps). */
  credentials?: GithubCredentialsProvider;
  /** Each GitHub request gives up after this long (default 30 s). */
  requestTimeoutMs?: number;
  /** At most this many pages of 100 tags are read (default 10). */
  maxPages?: number;
  fetchImpl?: typeof fetch;
}

/**
 * A service's releases are its repository's semver tags, read through the GitHub
 * integration that covers the host of its `backstage.io/source-location`
 * (`GET /repos/{owner}/{repo}/tags`, every page). Nothing is cached: a tag pushed a
 * moment ago is a version now.
 */
export class GithubReleaseTags {
  static fromConfig(
    config: Config,
    options: Omit<GithubReleaseTagsOptions, 'integrations'> = {},
  ) {
    return new GithubReleaseTags({
      integrations: ScmIntegrations.fromConfig(config),
      ...options,
    });
  }

  private readonly credentials: GithubCredentialsProvider;
  private readonly fetch: typeof fetch;

  constructor(private readonly o: GithubReleaseTagsOptions) {
    this.credentials =
      o.credentials ??
      DefaultGithubCredentialsProvider.fromIntegrations(o.integrations);
    this.fetch = o.fetchImpl ?? fetch;
  }

  /**
   * The GitHub repository a source location names (`url:https://<host>/<owner>/<repo>/tree/<branch>/`),
   * or undefined when it is not a URL on a host a GitHub integration covers.
   */
  repository(sourceLocation: string | undefined): GithubRepository | undefined {
    if (!sourceLocation) return undefined;
    let target: URL;
    try {
      const ref = parseLocationRef(sourceLocation);
      if (ref.type !== 'url') return undefined;
      target = new URL(ref.target);
    } catch {
      return undefined;
    }
    const integration = this.o.integrations.github.byUrl(target);
    const apiBaseUrl = integration?.config.apiBaseUrl;
    const [owner, name] = target.pathname.split('/').filter(Boolean);
    const repo = name?.replace(/\.git$/, '');
    if (
      !apiBaseUrl ||
      !owner ||
      !repo ||
      !/^[A-Za-z0-9_.-]+$/.test(owner) ||
      !/^[A-Za-z0-9_.-]+$/.test(repo)
    ) {
      return undefined;
    }
    return {
      fullName: `${owner}/${repo}`,
      url: `${target.protocol}//${target.host}/${owner}/${repo}`,
      apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
    };
  }

  /**
   * GETs a URL of the repository's API with the integration's credentials: GitHub
   * unreachable, slow or refusing is a ServiceUnavailableError naming `what`; a 404 is
   * returned for the caller to explain.
   */
  private async get(
    repository: GithubRepository,
    url: string,
    what: string,
    accept = 'application/vnd.github+json',
  ): Promise<Response> {
    const { fullName, apiBaseUrl } = repository;
    const failed = (why: string) =>
      new ServiceUnavailableError(
        `Could not ${what} of ${fullName} on GitHub (${apiBaseUrl}): ${why}`,
      );
    let headers: Record<string, string>;
    try {
      headers =
        (await this.credentials.getCredentials({ url: repository.url }))
          .headers ?? {};
    } catch (e) {
      throw failed(`no credentials: ${(e as Error).message}`);
    }
    // The token goes to the integration's API only, whatever a Link header says.
    if (new URL(url).origin !== new URL(apiBaseUrl).origin) {
      throw failed(
        `GitHub sent a next page on another origin (${new URL(url).origin})`,
      );
    }
    let res: Response;
    try {
      res = await this.fetch(url, {
        headers: {
          Accept: accept,
          'X-GitHub-Api-Version': '2022-11-28',
          ...headers,
        },
        signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw failed(
        (e as Error).name === 'TimeoutError'
          ? 'GitHub did not answer in time'
          : `GitHub cannot be reached (${cause ?? (e as Error).message})`,
      );
    }
    if (!res.ok && res.status !== 404) {
      let message = '';
      try {
        const body = await res.json();
        message = typeof body?.message === 'string' ? `: ${body.message}` : '';
      } catch {
        // no JSON body
      }
      throw failed(`GitHub answered ${res.status}${message}`);
    }
    return res;
  }

  /**
   * The files under `dir` in the release `version` (its tag `1.2.0`, else `v1.2.0`),
   * named relative to `dir` with `/`: read through the tree of the tag and each file's
   * raw contents. At most `maxFiles` files and `maxBytes` in all (a function's sources
   * are small); a missing tag or folder is a NotFoundError.
   */
  async filesAt(
    repository: GithubRepository,
    version: string,
    dir: string,
    limits: { maxFiles?: number; maxBytes?: number } = {},
  ): Promise<Array<{ name: string; content: Uint8Array }>> {
    const { fullName, apiBaseUrl } = repository;
    const maxFiles = limits.maxFiles ?? 200;
    const maxBytes = limits.maxBytes ?? 10 * 1024 * 1024;
    const folder = dir.replace(/^\/+|\/+$/g, '');
    if (!folder || folder.split('/').some(p => p === '..' || p === '.')) {
      throw new NotFoundError(`${dir} is not a folder of ${fullName}`);
    }
    const what = `read the sources of ${version}`;
    const api = `${apiBaseUrl}/repos/${fullName}`;
    let tag: string | undefined;
    let tree: unknown;
    for (const candidate of [version, `v${version}`]) {
      const res = await this.get(
        repository,
        `${api}/git/trees/${encodeURIComponent(candidate)}?recursive=1`,
        what,
      );
      if (res.status === 404) continue;
      tag = candidate;
      tree = await res.json().catch(() => undefined);
      break;
    }
    if (!tag) {
      throw new NotFoundError(
        `${fullName} has no tag ${version} or v${version}`,
      );
    }
    const entries = (tree as { tree?: unknown; truncated?: unknown })?.tree;
    if (!Array.isArray(entries)) {
      throw new ServiceUnavailableError(
        `Could not ${what} of ${fullName}: GitHub answered something other than a tree`,
      );
    }
    if ((tree as { truncated?: unknown }).truncated === true) {
      throw new ServiceUnavailableError(
        `Could not ${what} of ${fullName}: the tree of ${tag} is too large for one listing`,
      );
    }
    const blobs = entries.filter(
      (e): e is { path: string; size?: number } =>
        e?.type === 'blob' &&
        typeof e.path === 'string' &&
        e.path.startsWith(`${folder}/`),
    );
    if (blobs.length === 0) {
      throw new NotFoundError(`${fullName} has no folder ${folder} at ${tag}`);
    }
    if (blobs.length > maxFiles) {
      throw new ServiceUnavailableError(
        `${folder} at ${tag} holds ${blobs.length} files, more than ${maxFiles}`,
      );
    }
    const declared = blobs.reduce((n, b) => n + (Number(b.size) || 0), 0);
    if (declared > maxBytes) {
      throw new ServiceUnavailableError(
        `${folder} at ${tag} holds ${declared} bytes, more than ${maxBytes}`,
      );
    }
    const files: Array<{ name: string; content: Uint8Array }> = [];
    let total = 0;
    for (const blob of blobs) {
      const path = blob.path.split('/').map(encodeURIComponent).join('/');
      const res = await this.get(
        repository,
        `${api}/contents/${path}?ref=${encodeURIComponent(tag)}`,
        what,
        'application/vnd.github.raw',
      );
      if (res.status === 404) {
        throw new NotFoundError(
          `${fullName} has no file ${blob.path} at ${tag}`,
        );
      }
      const content = new Uint8Array(await res.arrayBuffer());
      total += content.byteLength;
      if (total > maxBytes) {
        throw new ServiceUnavailableError(
          `${folder} at ${tag} holds more than ${maxBytes} bytes`,
        );
      }
      files.push({ name: blob.path.slice(folder.length + 1), content });
    }
    return files.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /**
   * The repository's release versions, newest first. A repository without a semver tag
   * is a NotFoundError that says so; GitHub unreachable or refusing is a
   * ServiceUnavailableError, never an empty list.
   */
  async versions(repository: GithubRepository): Promise<string[]> {
    const { fullName, apiBaseUrl } = repository;
    const what = 'list the release tags';
    const tags: string[] = [];
    let next:
      | string
      | undefined = `${apiBaseUrl}/repos/${fullName}/tags?per_page=100`;
    for (let page = 1; next; page++) {
      if (page > (this.o.maxPages ?? 10)) break;
      const res = await this.get(repository, next, what);
      if (res.status === 404) {
        throw new NotFoundError(
          `GitHub has no repository ${fullName} that the integration's credentials can read (${apiBaseUrl})`,
        );
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (!Array.isArray(body)) {
        throw new ServiceUnavailableError(
          `Could not ${what} of ${fullName} on GitHub (${apiBaseUrl}): GitHub answered something other than a list of tags`,
        );
      }
      for (const tag of body) {
        if (typeof tag?.name === 'string') tags.push(tag.name);
      }
      next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    }
    const versions = releaseVersions(tags);
    if (versions.length === 0) {
      throw new NotFoundError(
        `${fullName} has no release tags: tag a release with its version (git tag 1.0.0 && git push --tags); only semantic versions such as 1.0.0 or v1.0.0 count${
          tags.length ? ` (found ${tags.length} other tags)` : ''
        }`,
      );
    }
    return versions;
  }
}
