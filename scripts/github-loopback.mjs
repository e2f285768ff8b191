#!/usr/bin/env node
// A loopback GitHub (Enterprise Server shaped) for the GitHub publishing path, since
// GitHub itself cannot be reached here. It speaks the parts of the REST API that
// publish:github, github:environment:create, catalog:register, the GitHub URL reader and
// the Kubernetes target's release versions (GET /repos/{owner}/{repo}/tags, paged with a
// Link header as GitHub pages) and the Supabase target's function sources (a release's
// tree, GET /repos/{owner}/{repo}/git/trees/{ref}?recursive=1, and each file's raw
// contents) use, with GitHub's status codes and error bodies, and real
// git over smart HTTP through `git http-backend` into bare repositories: a tag pushed
// with `git push --tags` is listed at once. GET /_loopback/state shows what it was asked.
//
//   node scripts/github-loopback.mjs [port] [data-dir]
//   port 0 takes a free one; the first line printed names the address it listens on.
//   env: GITHUB_LOOPBACK_TOKEN (default e2e-token), GITHUB_LOOPBACK_ORG (default ibias-e2e)
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const port = Number(process.argv[2] ?? 7190);
const root = path.resolve(
  process.argv[3] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'gh-loopback-')),
);
const token = process.env.GITHUB_LOOPBACK_TOKEN ?? 'e2e-token';
const org = process.env.GITHUB_LOOPBACK_ORG ?? 'ibias-e2e';
// Known once the server listens (port 0 takes a free one).
let base = `http://127.0.0.1:${port}`;
fs.mkdirSync(root, { recursive: true });

// Teams of the organisation (slug → id), as the catalog's groups.
const teams = { 'web-team': 101, 'ai-team': 102, 'platform-team': 103 };
const state = { repos: {}, requests: [] };
let nextId = 1000;

const send = (res, status, body, headers = {}) => {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'X-GitHub-Media-Type': 'github.v3',
    ...headers,
  });
  res.end(body === undefined ? '' : JSON.stringify(body));
};
const notFound = res =>
  send(res, 404, {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
  });

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const repoDir = fullName => path.join(root, `${fullName}.git`);
const git = (fullName, ...args) =>
  execFileSync('git', ['--git-dir', repoDir(fullName), ...args], {
    encoding: 'utf8',
  });
function branchExists(fullName, branch) {
  try {
    git(fullName, 'rev-parse', '--verify', `refs/heads/${branch}`);
    return true;
  } catch {
    return false;
  }
}

function repoJson(repo) {
  return {
    id: repo.id,
    name: repo.name,
    full_name: repo.full_name,
    private: repo.private,
    description: repo.description,
    owner: { login: org, type: 'Organization' },
    html_url: `${base}/${repo.full_name}`,
    clone_url: `${base}/${repo.full_name}.git`,
    default_branch: 'main',
  };
}

// The repository's tags as GitHub lists them: newest version first, each with the commit
// it points to (an annotated tag's own commit).
function listTags(fullName) {
  const out = git(
    fullName,
    'for-each-ref',
    '--sort=-v:refname',
    '--format=%(refname:strip=2) %(objectname) %(*objectname)',
    'refs/tags',
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map(line => {
      const [name, object, peeled] = line.split(' ');
      const sha = peeled || object;
      return {
        name,
        zipball_url: `${base}/api/v3/repos/${fullName}/zipball/refs/tags/${name}`,
        tarball_url: `${base}/api/v3/repos/${fullName}/tarball/refs/tags/${name}`,
        commit: {
          sha,
          url: `${base}/api/v3/repos/${fullName}/commits/${sha}`,
        },
        node_id: Buffer.from(`tag:${fullName}:${name}`).toString('base64'),
      };
    });
}

// GitHub's paging: per_page (default 30, at most 100) and page, with a Link header that
// names the first, previous, next and last pages where they exist.
function paged(res, url, items) {
  const perPage = Math.min(
    100,
    Math.max(1, parseInt(url.searchParams.get('per_page') ?? '30', 10) || 30),
  );
  const page = Math.max(
    1,
    parseInt(url.searchParams.get('page') ?? '1', 10) || 1,
  );
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = n => {
    const u = new URL(url.pathname, base);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(n));
    return `<${u}>`;
  };
  const links = [];
  if (page > 1) links.push(`${link(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) {
    links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
  }
  if (page > 1) links.push(`${link(1)}; rel="first"`);
  return send(
    res,
    200,
    items.slice((page - 1) * perPage, page * perPage),
    links.length ? { Link: links.join(', ') } : {},
  );
}

function authorized(req) {
  const header = req.headers.authorization ?? '';
  return header === `token ${token}` || header === `Bearer ${token}`;
}

// Git smart HTTP through git http-backend (CGI), with HTTP Basic auth like GitHub's.
function gitHttp(req, res, url) {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  const [, password] = basic
    ? Buffer.from(basic[1], 'base64').toString().split(':')
    : [];
  if (password !== token) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitHub"' });
    res.end();
    return;
  }
  const fullName = url.pathname.replace(/^\/|\.git\/.*$/g, '');
  if (!state.repos[fullName]) return notFound(res);
  const cgi = spawn('git', ['http-backend'], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
    },
  });
  req.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', chunk => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers = {};
    for (const line of head.subarray(0, end).toString().split('\r\n')) {
      const [name, ...rest] = line.split(':');
      if (name.toLowerCase() === 'status')
        status = parseInt(rest.join(':'), 10);
      else headers[name] = rest.join(':').trim();
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  cgi.stderr.on('data', d => process.stderr.write(d));
  cgi.on('close', () => {
    if (url.pathname.endsWith('/git-receive-pack')) {
      state.repos[fullName].pushes += 1;
    }
    res.end();
  });
}

async function api(req, res, url) {
  const p = url.pathname.replace(/^\/api\/v3/, '');
  if (!authorized(req)) {
    return send(res, 401, {
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
    });
  }
  const body = ['POST', 'PUT', 'PATCH'].includes(req.method)
    ? JSON.parse((await readBody(req)).toString() || '{}')
    : undefined;
  let m;
  if (req.method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(p))) {
    if (m[1] !== org) return notFound(res);
    return send(res, 200, { login: org, id: 1, type: 'Organization' });
  }
  if (
    req.method === 'GET' &&
    (m = /^\/orgs\/([^/]+)\/teams\/([^/]+)$/.exec(p))
  ) {
    const id = teams[m[2]];
    if (m[1] !== org || !id) return notFound(res);
    return send(res, 200, { id, slug: m[2], name: m[2] });
  }
  if (req.method === 'POST' && (m = /^\/orgs\/([^/]+)\/repos$/.exec(p))) {
    if (m[1] !== org) return notFound(res);
    if (!body.name || !/^[\w.-]+$/.test(body.name)) {
      return send(res, 422, { message: 'Repository creation failed.' });
    }
    const fullName = `${org}/${body.name}`;
    if (state.repos[fullName]) {
      return send(res, 422, {
        message: 'Repository creation failed.',
        errors: [
          {
            resource: 'Repository',
            code: 'custom',
            field: 'name',
            message: 'name already exists on this account',
          },
        ],
      });
    }
    fs.mkdirSync(path.dirname(repoDir(fullName)), { recursive: true });
    execFileSync('git', [
      'init',
      '--bare',
      '-q',
      '-b',
      'main',
      repoDir(fullName),
    ]);
    git(fullName, 'config', 'http.receivepack', 'true');
    const repo = {
      id: nextId++,
      name: body.name,
      full_name: fullName,
      private: Boolean(body.private),
      description: body.description ?? null,
      created: body,
      pushes: 0,
      protection: {},
      environments: {},
    };
    state.repos[fullName] = repo;
    return send(res, 201, repoJson(repo));
  }
  m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(p);
  const repo = m && state.repos[`${m[1]}/${m[2]}`];
  if (!repo) return notFound(res);
  const rest = m[3] ?? '';
  if (req.method === 'GET' && rest === '')
    return send(res, 200, repoJson(repo));
  if (
    req.method === 'PUT' &&
    (m = /^\/branches\/([^/]+)\/protection$/.exec(rest))
  ) {
    if (!branchExists(repo.full_name, m[1])) {
      return send(res, 404, { message: 'Branch not found' });
    }
    repo.protection[m[1]] = body;
    return send(res, 200, {
      url: `${base}/api/v3/repos/${repo.full_name}/branches/${m[1]}/protection`,
      ...body,
    });
  }
  if (req.method === 'PUT' && (m = /^\/environments\/([^/]+)$/.exec(rest))) {
    const name = decodeURIComponent(m[1]);
    repo.environments[name] = body;
    return send(res, 200, {
      id: nextId++,
      name,
      protection_rules: body.reviewers
        ? [{ type: 'required_reviewers', reviewers: body.reviewers }]
        : [],
    });
  }
  if (req.method === 'GET' && rest === '/tags') {
    return paged(res, url, listTags(repo.full_name));
  }
  // A tree as GitHub lists it (recursive=1: every blob under it, with its size).
  if (req.method === 'GET' && (m = /^\/git\/trees\/(.+)$/.exec(rest))) {
    const ref = decodeURIComponent(m[1]);
    const recursive = url.searchParams.get('recursive');
    let listing;
    try {
      const sha = git(
        repo.full_name,
        'rev-parse',
        '--verify',
        `${ref}^{tree}`,
      ).trim();
      listing = {
        sha,
        lines: git(
          repo.full_name,
          'ls-tree',
          '-l',
          ...(recursive ? ['-r', '-t'] : []),
          sha,
        ),
      };
    } catch {
      return notFound(res);
    }
    return send(res, 200, {
      sha: listing.sha,
      url: `${base}/api/v3/repos/${repo.full_name}/git/trees/${listing.sha}`,
      tree: listing.lines
        .split('\n')
        .filter(Boolean)
        .map(line => {
          const [meta, entryPath] = line.split('\t');
          const [mode, type, sha, size] = meta.split(/\s+/);
          return {
            path: entryPath,
            mode,
            type,
            sha,
            ...(type === 'blob' ? { size: Number(size) } : {}),
            url: `${base}/api/v3/repos/${repo.full_name}/git/${type}s/${sha}`,
          };
        }),
      truncated: false,
    });
  }
  if (req.method === 'GET' && (m = /^\/contents\/(.+)$/.exec(rest))) {
    const ref = url.searchParams.get('ref') ?? 'main';
    try {
      const content = execFileSync(
        'git',
        [
          '--git-dir',
          repoDir(repo.full_name),
          'show',
          `${ref}:${decodeURIComponent(m[1])}`,
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      res.writeHead(200, { 'Content-Type': 'application/vnd.github.v3.raw' });
      return res.end(content);
    } catch {
      return notFound(res);
    }
  }
  return notFound(res);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, base);
  res.on('finish', () =>
    state.requests.push(`${req.method} ${url.pathname} ${res.statusCode}`),
  );
  if (url.pathname === '/_loopback/state') {
    const repos = {};
    for (const [name, repo] of Object.entries(state.repos)) {
      repos[name] = {
        ...repo,
        files: branchExists(name, 'main')
          ? git(name, 'ls-tree', '-r', '--name-only', 'main').trim().split('\n')
          : [],
      };
    }
    return send(res, 200, { repos, requests: state.requests });
  }
  if (/^\/[^/]+\/[^/]+\.git\//.test(url.pathname))
    return gitHttp(req, res, url);
  if (url.pathname.startsWith('/api/v3/')) {
    return api(req, res, url).catch(e =>
      send(res, 500, { message: String(e) }),
    );
  }
  return notFound(res);
});
server.listen(port, '127.0.0.1', () => {
  base = `http://127.0.0.1:${server.address().port}`;
  console.log(
    `GitHub loopback on ${base} (org ${org}, repositories in ${root})`,
  );
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
