import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { freePort } from '@internal/ibias-service-runner';
import { LocalTarget } from './LocalTarget';

// The real thing end to end: the ibias-api sample's repository (made from services/ and
// services/releases) runs as two releases built from their tags behind the router; a
// real Prometheus (Debian's package; .ci/run installs it) scrapes them through the
// file_sd targets the local target writes; analysis reads back the error rate of 1.2.0,
// whose fault is in its code (no FAULT_RATE is configured).
jest.setTimeout(240_000);

const repo = path.resolve(__dirname, '../../../../..');
const prometheusBin = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find(
  p => fs.existsSync(p),
);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('LocalTarget with Prometheus as the metrics source', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-prom-'));
  const targetsFile = path.join(dir, 'prometheus', 'targets.json');
  let prometheus: ChildProcess | undefined;
  let target: LocalTarget | undefined;

  afterAll(async () => {
    await target?.stop();
    prometheus?.kill('SIGTERM');
  });

  it('reads requests, errors and p95 of each release with PromQL', async () => {
    expect({
      prometheus:
        prometheusBin ??
        'not installed: apt-get install prometheus (.ci/run does)',
    }).toEqual({ prometheus: expect.stringMatching(/prometheus$/) });

    fs.mkdirSync(path.dirname(targetsFile), { recursive: true });
    fs.writeFileSync(targetsFile, '[]');
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: ibias-samples',
        '    file_sd_configs:',
        `      - files: ['${targetsFile}']`,
        '        refresh_interval: 1s',
      ].join('\n'),
    );
    const port = await freePort();
    prometheus = spawn(
      prometheusBin!,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 60; i++) {
      if (
        await fetch(`${url}/-/ready`).then(
          r => r.ok,
          () => false,
        )
      )
        break;
      await sleep(500);
    }

    target = new LocalTarget({
      samples: {
        names: ['ibias-api'],
        servicesDir: path.join(repo, 'services'),
        releasesDir: path.join(repo, 'services', 'releases'),
      },
      workDir: path.join(dir, 'work'),
      load: {
        staging: {
          rps: 50,
          method: 'POST',
          path: '/api/v1/echo',
          body: '{"message":"load"}',
        },
      },
      logger: mockServices.logger.mock(),
      prometheus: { url, targetsFile },
      probeTimeoutMs: 2_000,
    });
    const ref = {
      service: 'ibias-api',
      entityRef: 'component:default/ibias-api',
      environment: 'staging' as const,
    };
    await target.prepareSamples();
    expect(await target.versions(ref)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    await target.deploy(ref, '1.1.0');
    await target.deploy(ref, '1.2.0');
    // What runs is the tag's code: 1.1.0 and later name themselves in a header.
    for (const { version, url: base } of target.endpoints(ref)) {
      const res = await fetch(`${base}/health`);
      expect(res.headers.get('x-service-version')).toBe(version);
      expect((await res.json()).version).toBe(version);
    }
    const targets = JSON.parse(fs.readFileSync(targetsFile, 'utf8'));
    expect(targets.map((t: any) => t.labels.version).sort()).toEqual([
      '1.1.0',
      '1.2.0',
    ]);
    // Keyed by the entity, never the name alone (issue 8).
    for (const t of targets) {
      expect(t.labels).toMatchObject({
        ibias_entity: 'component:default/ibias-api',
        ibias_service: 'ibias-api',
        ibias_environment: 'staging',
      });
    }
    // Let Prometheus discover and scrape both before the traffic starts.
    await sleep(4000);
    await target.setTraffic(ref, '1.2.0', 50, '1.1.0');
    const since = Date.now();
    await target.setLoad(ref, true);
    await sleep(10_000);
    await target.setLoad(ref, false);
    await sleep(2500); // the last scrape

    const faulty = await target.metrics(ref, '1.2.0', since);
    const healthy = await target.metrics(ref, '1.1.0', since);
    expect(faulty.source).toBe('prometheus');
    expect(faulty.query).toContain('version="1.2.0"');
    expect(faulty.query).toContain(
      'ibias_entity="component:default/ibias-api"',
    );
    expect(faulty.query).toContain('http_request_duration_seconds_count');
    expect(faulty.requests).toBeGreaterThan(100);
    const rate = faulty.errors / faulty.requests;
    expect(rate).toBeGreaterThan(0.08);
    expect(rate).toBeLessThan(0.35);
    expect(faulty.p95Ms).toBeGreaterThan(0);
    expect(healthy.requests).toBeGreaterThan(100);
    expect(healthy.errors).toBe(0);
    expect(await target.dependencies()).toEqual([
      { name: 'prometheus', status: 'ok', latencyMs: expect.any(Number) },
    ]);

    // Prometheus slow (stopped, so it accepts and never answers), then down: the
    // interval has no data and says why; the health endpoint says down.
    prometheus!.kill('SIGSTOP');
    const slow = await target.metrics(ref, '1.2.0', since);
    expect(slow).toMatchObject({
      requests: 0,
      p95Ms: null,
      source: 'prometheus',
      detail: 'Prometheus did not answer within 2 s',
    });
    expect((await target.dependencies())[0]).toMatchObject({
      status: 'down',
      detail: 'timed out after 2 s',
    });
    prometheus!.kill('SIGKILL');
    const down = await target.metrics(ref, '1.2.0', since);
    expect(down.requests).toBe(0);
    expect(down).toMatchObject({
      detail: expect.stringMatching(/^Prometheus did not answer \(/),
    });
    expect((await target.dependencies())[0]).toMatchObject({
      status: 'down',
      detail: 'unreachable',
    });
  });
});
