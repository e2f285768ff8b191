import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createVerifyServiceAction } from './verifyService';

// The gate runs code the portal did not write. A tiny service, built for this test,
// records the environment of each of its processes: the npm install lifecycle script
// (postinstall), its tests and the started service. None of them may see the portal's
// secrets.
const SECRETS = {
  GITHUB_TOKEN: 'ghp_secret_token_for_the_test',
  AUTH_GITHUB_CLIENT_SECRET: 'oauth-client-secret-for-the-test',
  POSTGRES_PASSWORD: 'postgres-password-for-the-test',
  BACKEND_SECRET: 'backend-secret-for-the-test',
};

/** A service that passes the gate and writes `<label>.json` (its env) into `out`. */
type TestScript = 'test' | 'fail' | 'hang';

function tinyService(
  dir: string,
  out: string,
  testScript: TestScript = 'test',
) {
  fs.mkdirSync(path.join(dir, 'dist', 'src'), { recursive: true });
  const record = (label: string) =>
    `require('fs').writeFileSync(${JSON.stringify(
      path.join(out, `${label}.json`),
    )}, JSON.stringify({ env: process.env, pid: process.pid }));`;
  fs.writeFileSync(path.join(dir, 'record-install.js'), record('postinstall'));
  fs.writeFileSync(path.join(dir, 'record-test.js'), record('test'));
  fs.writeFileSync(
    path.join(dir, 'hang.js'),
    `${record('hang')}\nsetInterval(() => {}, 1000);`,
  );
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'tiny-svc',
      version: '1.0.0',
      private: true,
      scripts: {
        postinstall: 'node record-install.js',
        format: 'node -e 0',
        'format:check': 'node -e 0',
        lint: 'node -e 0',
        typecheck: 'node -e 0',
        test: {
          hang: 'node hang.js',
          fail: 'node record-test.js && echo "ℹ pass 0" && echo "ℹ fail 1"',
          test: 'node record-test.js && echo "ℹ pass 1" && echo "ℹ fail 0"',
        }[testScript],
        build: 'node -e 0',
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'dist', 'src', 'server.js'),
    `${record('service')}
const http = require('http');
let count = 0;
const limit = Number(process.env.RATE_LIMIT_MAX);
http.createServer((req, res) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'");
  if (req.url === '/ready') return res.end('{}');
  if (req.url === '/health') return res.end(JSON.stringify({ status: 'ok', version: '1.0.0' }));
  if (req.url === '/metrics') return res.end('# TYPE http_request_duration_seconds histogram\\nprocess_cpu_user_seconds_total 1\\n');
  count += 1;
  if (count > limit) { res.statusCode = 429; res.setHeader('Retry-After', '60'); }
  res.end('{}');
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
  );
}

const GATE_INPUT = {
  path: '.',
  rateLimitMax: 5,
  entry: 'dist/src/server.js',
  probePath: '/api/v1/echo',
};

function setup(testScript?: TestScript) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-gate-env-'));
  const workspacePath = path.join(tmp, 'workspace');
  const out = path.join(tmp, 'out');
  const scratch = path.join(tmp, 'scratch');
  fs.mkdirSync(out);
  fs.mkdirSync(scratch);
  tinyService(workspacePath, out, testScript);
  return { tmp, workspacePath, out, scratch };
}

function readRecord(out: string, label: string) {
  return JSON.parse(fs.readFileSync(path.join(out, `${label}.json`), 'utf8'));
}

/** Whether `pid` still runs (a killed process nobody has reaped yet counts as gone). */
function isAlive(pid: number) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('ibias:service:verify runs untrusted code', () => {
  const saved = { ...process.env };
  beforeEach(() => Object.assign(process.env, SECRETS));
  afterEach(() => {
    for (const key of Object.keys(SECRETS)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('removes its scratch copy when the verification fails', async () => {
    const { workspacePath, scratch } = setup('fail');
    const ctx = {
      ...createMockActionContext({ input: GATE_INPUT, workspacePath }),
      createTemporaryDirectory: async () => scratch,
    };
    const action = createVerifyServiceAction({ timeoutMs: 60_000 });
    await expect(action.handler(ctx)).rejects.toThrow(
      'Tests: 0 passed, 1 failed',
    );
    expect(fs.readdirSync(scratch)).toEqual([]);
    // Nothing of the failed copy comes back to the workspace.
    expect(fs.existsSync(path.join(workspacePath, 'package-lock.json'))).toBe(
      false,
    );
  }, 90_000);

  it('stops everything and removes its scratch copy when the task is cancelled', async () => {
    const { workspacePath, out, scratch } = setup('hang');
    const controller = new AbortController();
    const ctx = {
      ...createMockActionContext({ input: GATE_INPUT, workspacePath }),
      createTemporaryDirectory: async () => scratch,
      signal: controller.signal,
    };
    const action = createVerifyServiceAction({ timeoutMs: 60_000 });
    const running = action.handler(ctx);
    // Cancel once the hanging test process is up.
    const deadline = Date.now() + 60_000;
    while (!fs.existsSync(path.join(out, 'hang.json'))) {
      if (Date.now() > deadline) throw new Error('the test never started');
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const { pid } = readRecord(out, 'hang');
    controller.abort();
    await expect(running).rejects.toThrow('The task was cancelled');
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(isAlive(pid)).toBe(false);
    expect(fs.readdirSync(scratch)).toEqual([]);
  }, 90_000);

  it("gives the install script, the tests and the service none of the portal's secrets", async () => {
    const { workspacePath, out, scratch } = setup();
    const ctx = {
      ...createMockActionContext({ input: GATE_INPUT, workspacePath }),
      createTemporaryDirectory: async () => scratch,
    };
    const action = createVerifyServiceAction({ timeoutMs: 60_000 });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'summary',
      expect.stringContaining('1 tests passed'),
    );
    for (const label of ['postinstall', 'test', 'service']) {
      const { env } = readRecord(out, label);
      // They ran, with what they need to find their tools.
      expect({ label, path: Boolean(env.PATH) }).toEqual({ label, path: true });
      for (const [key, value] of Object.entries(SECRETS)) {
        expect({ label, key, value: env[key] }).toEqual({
          label,
          key,
          value: undefined,
        });
        expect({ label, leaked: JSON.stringify(env).includes(value) }).toEqual({
          label,
          leaked: false,
        });
      }
      // Nor the portal's mode: jest runs with NODE_ENV=test.
      expect({ label, nodeEnv: env.NODE_ENV }).toEqual({
        label,
        nodeEnv: label === 'service' ? 'production' : undefined,
      });
    }
    // The scratch copy is gone; the lockfile npm resolved is kept.
    expect(fs.readdirSync(scratch)).toEqual([]);
    expect(fs.existsSync(path.join(workspacePath, 'package-lock.json'))).toBe(
      true,
    );
  }, 120_000);
});
