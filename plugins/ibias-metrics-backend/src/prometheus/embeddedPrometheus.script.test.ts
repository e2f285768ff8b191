import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

// scripts/prometheus-embedded.sh as scripts/portal.sh uses it: sourced, called before the
// backend replaces the shell with `exec`, under `set -euo pipefail`. Here `exec sleep`
// stands in for the portal.
jest.setTimeout(60_000);

const repo = path.resolve(__dirname, '../../../..');
const prometheusBin = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find(
  p => fs.existsSync(p),
);
const mayGoWithout =
  !process.env.CI && process.env.IBIAS_ALLOW_NO_PROMETHEUS === '1';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

const PORTAL = `
set -euo pipefail
source "$IBIAS_ROOT/scripts/toolchain.sh"
source "$IBIAS_ROOT/scripts/prometheus-embedded.sh"
ibias_prometheus_start --config "$IBIAS_ROOT/app-config.yaml" || echo "start failed"
echo "URL=\${IBIAS_PROMETHEUS_URL:-}"
if [ -n "\${HOLD:-}" ]; then exec sleep "$HOLD"; fi
`;

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise(r => server.close(r));
  return port;
}

interface Portal {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

function startPortal(env: Record<string, string | undefined>): Portal {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('IBIAS_PROMETHEUS')) base[k] = v;
  }
  const child = spawn('/bin/bash', ['-c', PORTAL], {
    env: {
      ...base,
      IBIAS_ROOT: repo,
      // The project's Node first, as scripts/toolchain.sh arranges for the portal.
      PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
      ...Object.fromEntries(
        Object.entries(env).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      ),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const portal: Portal = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise(resolve => child.on('exit', code => resolve(code))),
  };
  child.stdout!.on('data', d => {
    portal.stdout += d;
  });
  child.stderr!.on('data', d => {
    portal.stderr += d;
  });
  return portal;
}

async function urlOf(portal: Portal): Promise<string> {
  for (let i = 0; i < 300 && !/URL=.*\n/.test(portal.stdout); i++) {
    await sleep(100);
  }
  const match = /URL=(.*)\n/.exec(portal.stdout);
  if (!match) throw new Error(`no URL line; stderr: ${portal.stderr}`);
  return match[1];
}

const ready = (url: string) =>
  fetch(`${url}/-/ready`).then(
    r => r.ok,
    () => false,
  );

describe('scripts/prometheus-embedded.sh', () => {
  let dataDir: string;
  const portals: Portal[] = [];
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-embedded-sh-'));
  });
  afterEach(async () => {
    for (const portal of portals.splice(0)) {
      portal.child.kill('SIGKILL');
      await portal.exited;
    }
    // Give a watchdog its second to stop what it started before the folder goes.
    await sleep(1500);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs Prometheus next to the portal and stops it when the portal dies', async () => {
    if (!prometheusBin) {
      if (mayGoWithout) {
        // eslint-disable-next-line no-console
        console.warn('prometheus is not installed: the script was NOT run');
        return;
      }
      throw new Error(
        'prometheus is not installed: apt-get install prometheus, or set IBIAS_ALLOW_NO_PROMETHEUS=1 outside CI',
      );
    }
    const port = await freePort();
    const portal = startPortal({
      IBIAS_DATA_DIR: dataDir,
      IBIAS_PROMETHEUS_PORT: String(port),
      IBIAS_PORT: '7177',
      HOLD: '60',
    });
    portals.push(portal);
    const url = await urlOf(portal);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(await ready(url)).toBe(true);
    expect(portal.stderr).toContain(`Prometheus runs on ${url}`);

    // Its configuration: the portal at IBIAS_PORT, the targets file, the rules.
    const prometheusDir = path.join(dataDir, 'prometheus');
    const status = await fetch(`${url}/api/v1/status/config`).then(r =>
      r.json(),
    );
    expect(status.data.yaml).toContain('job_name: ibias-portal');
    expect(status.data.yaml).toContain('127.0.0.1:7177');
    expect(status.data.yaml).toContain(
      path.join(prometheusDir, 'targets.json'),
    );
    const rules = await fetch(`${url}/api/v1/rules`).then(r => r.json());
    expect(rules.data.groups.map((g: { name: string }) => g.name)).toEqual([
      'ibias-portal',
    ]);
    expect(fs.existsSync(path.join(prometheusDir, 'data'))).toBe(true);

    // The portal crashes (no trap could run): Prometheus stops within seconds.
    portal.child.kill('SIGKILL');
    await portal.exited;
    let stillUp = true;
    for (let i = 0; i < 50 && stillUp; i++) {
      await sleep(200);
      stillUp = await ready(url);
    }
    expect(stillUp).toBe(false);
  });

  it('starts nothing when IBIAS_PROMETHEUS=off', async () => {
    const portal = startPortal({
      IBIAS_DATA_DIR: dataDir,
      IBIAS_PROMETHEUS: 'off',
    });
    portals.push(portal);
    expect(await urlOf(portal)).toBe('');
    expect(await portal.exited).toBe(0);
    expect(portal.stderr).toContain(
      'IBIAS_PROMETHEUS=off: no embedded Prometheus',
    );
    expect(fs.existsSync(path.join(dataDir, 'prometheus'))).toBe(false);
  });

  it('keeps a Prometheus of your own given as IBIAS_PROMETHEUS_URL', async () => {
    const portal = startPortal({
      IBIAS_DATA_DIR: dataDir,
      IBIAS_PROMETHEUS_URL: 'http://prometheus.example:9090',
    });
    portals.push(portal);
    expect(await urlOf(portal)).toBe('http://prometheus.example:9090');
    expect(await portal.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'prometheus'))).toBe(false);
  });

  it('says what to install when no prometheus is on PATH, and the portal still starts', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-no-path-'));
    try {
      const portal = startPortal({ IBIAS_DATA_DIR: dataDir, PATH: empty });
      portals.push(portal);
      expect(await urlOf(portal)).toBe('');
      expect(await portal.exited).toBe(0);
      expect(portal.stderr).toContain('no prometheus on PATH');
      expect(portal.stderr).toContain('apt-get install prometheus');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('starts none on a port that stays taken, and the portal still starts', async () => {
    if (!prometheusBin && mayGoWithout) return;
    const taken = http.createServer((_req, res) => res.end('not prometheus'));
    await new Promise<void>(r => taken.listen(0, '127.0.0.1', () => r()));
    const { port } = taken.address() as AddressInfo;
    try {
      const portal = startPortal({
        IBIAS_DATA_DIR: dataDir,
        IBIAS_PROMETHEUS_PORT: String(port),
      });
      portals.push(portal);
      expect(await urlOf(portal)).toBe('');
      expect(await portal.exited).toBe(0);
      expect(portal.stderr).toContain(`port ${port} is taken`);
    } finally {
      await new Promise(r => taken.close(r));
    }
  });
});
