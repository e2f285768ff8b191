import fs from 'node:fs/promises';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { freePort, untrustedEnv } from '@internal/ibias-service-runner';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { resolveInside } from './inputs';

/** The headers every IBIAS service must send (the seed's security baseline). */
export const REQUIRED_HEADERS = [
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'referrer-policy',
  'content-security-policy',
];

/** What a build or install leaves behind; never copied back into the repository. */
const BUILD_OUTPUT = new Set([
  'node_modules',
  'dist',
  '.next',
  'next-env.d.ts',
]);

export class VerificationError extends Error {
  name = 'VerificationError';
}

interface RunOptions {
  cwd: string;
  /** The tool's own settings, on top of the allow-listed environment. */
  env?: Record<string, string>;
  logger: LoggerService;
  timeoutMs: number;
  /** The task's cancel signal: the command and everything it started are stopped. */
  signal?: AbortSignal;
}

/**
 * Starts untrusted code (the generated service's install scripts, tools, tests, build or
 * the service itself) in a process group of its own, with the allow-listed environment
 * (`untrustedEnv`): the portal's secrets never reach it, and neither does its NODE_ENV
 * (the portal's mode must not decide how the service installs or builds).
 */
function spawnUntrusted(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; stderr: boolean },
): ChildProcess {
  return spawn(command, args, {
    cwd: options.cwd,
    env: untrustedEnv(options.env),
    stdio: ['ignore', 'pipe', options.stderr ? 'pipe' : 'ignore'],
    detached: true,
  });
}

/** Stops a child and everything it started (its process group). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/**
 * Runs a command until it exits, its time is up or the task is cancelled (then its whole
 * process group is killed). Resolves with the exit code and the output.
 */
function runToEnd(
  command: string,
  args: string[],
  options: RunOptions & { log: boolean },
) {
  return new Promise<{ code: number | null; output: string; stdout: string }>(
    (resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new VerificationError('The task was cancelled'));
        return;
      }
      const child = spawnUntrusted(command, args, {
        cwd: options.cwd,
        env: options.env,
        stderr: options.log,
      });
      let output = '';
      let stdout = '';
      const onData = (data: Buffer) => {
        const text = data.toString('utf8');
        output += text;
        if (!options.log) return;
        for (const line of text.split('\n')) {
          if (line.trim()) options.logger.info(line);
        }
      };
      child.stdout?.on('data', (data: Buffer) => {
        stdout += data.toString('utf8');
        onData(data);
      });
      child.stderr?.on('data', onData);
      let settled = false;
      const cleanups: Array<() => void> = [];
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        for (const cleanup of cleanups) cleanup();
        fn();
      };
      const onAbort = () => {
        killGroup(child);
        finish(() => reject(new VerificationError('The task was cancelled')));
      };
      options.signal?.addEventListener('abort', onAbort);
      cleanups.push(() =>
        options.signal?.removeEventListener('abort', onAbort),
      );
      const timer = setTimeout(() => {
        killGroup(child);
        finish(() =>
          reject(
            new VerificationError(
              `'${command} ${args.join(' ')}' did not finish within ${
                options.timeoutMs / 1000
              } s`,
            ),
          ),
        );
      }, options.timeoutMs);
      cleanups.push(() => clearTimeout(timer));
      child.on('error', error => {
        finish(() =>
          reject(
            new VerificationError(`Could not run ${command}: ${error.message}`),
          ),
        );
      });
      child.on('close', code => {
        // Whatever the command left running in its group goes with it.
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // the group is gone already
          }
        }
        finish(() => resolve({ code, output, stdout }));
      });
    },
  );
}

/** Runs a command, streaming its output to the task log; resolves with its output. */
async function run(command: string, args: string[], options: RunOptions) {
  const { code, output } = await runToEnd(command, args, {
    ...options,
    log: true,
  });
  if (code !== 0) {
    throw new VerificationError(
      `'${command} ${args.join(' ')}' failed with exit code ${code}`,
    );
  }
  return output;
}

/** Runs a command and resolves with its exit code and stdout, whatever the code. */
async function capture(command: string, args: string[], options: RunOptions) {
  return runToEnd(command, args, { ...options, log: false }).catch(error => {
    if (options.signal?.aborted) throw error;
    return { code: null, stdout: '' };
  });
}

export type AuditVerdict =
  | { status: 'clean'; low: number }
  | { status: 'vulnerable'; packages: string[] }
  | { status: 'unavailable'; reason: string };

/**
 * Reads `npm audit --json`: vulnerable (moderate or worse), clean, or unavailable when the
 * registry's audit endpoint cannot be reached (as on the development machines here, whose
 * registry mirror does not serve it). Exported for tests.
 */
export function auditVerdict(stdout: string): AuditVerdict {
  let report: {
    metadata?: { vulnerabilities?: Record<string, number> };
    vulnerabilities?: Record<string, { severity?: string }>;
    message?: string;
    error?: { summary?: string };
  };
  try {
    report = JSON.parse(stdout);
  } catch {
    return { status: 'unavailable', reason: 'npm audit printed no report' };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    return {
      status: 'unavailable',
      reason:
        report.message || report.error?.summary || 'npm audit gave no report',
    };
  }
  const serious = ['moderate', 'high', 'critical'];
  const packages = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => serious.includes(v.severity ?? ''))
    .map(([name, v]) => `${name} (${v.severity})`);
  const total = serious.reduce((n, level) => n + (counts[level] ?? 0), 0);
  if (total > 0 || packages.length > 0) {
    return { status: 'vulnerable', packages };
  }
  return { status: 'clean', low: (counts.low ?? 0) + (counts.info ?? 0) };
}

/**
 * One request to the service under test, its body read, within `timeoutMs`: a service
 * that hangs fails the gate instead of holding it.
 */
async function probe(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ res: Response; text: string }> {
  const { pathname } = new URL(url);
  try {
    const res = await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { res, text: await res.text() };
  } catch (error) {
    throw new VerificationError(
      error instanceof Error && error.name === 'TimeoutError'
        ? `${pathname} did not answer within ${timeoutMs / 1000} s`
        : `${pathname} could not be reached`,
    );
  }
}

/** The probes, against a started service. Exported for tests. */
export async function probeService(
  baseUrl: string,
  rateLimitMax: number,
  probePath = '/api/v1/echo',
  timeoutMs = 5_000,
): Promise<string[]> {
  const findings: string[] = [];
  const { res: health, text: healthText } = await probe(
    `${baseUrl}/health`,
    {},
    timeoutMs,
  );
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(healthText);
  } catch {
    // not JSON: reported below
  }
  if (health.status !== 200 || body.status !== 'ok' || !body.version) {
    throw new VerificationError(
      `/health answered ${health.status} ${JSON.stringify(
        body,
      )}; expected 200 with status ok and a version`,
    );
  }
  findings.push(`/health ok (version ${body.version})`);

  const missing = REQUIRED_HEADERS.filter(h => !health.headers.get(h));
  if (missing.length > 0) {
    throw new VerificationError(
      `Security headers missing: ${missing.join(', ')}`,
    );
  }
  if (health.headers.get('x-frame-options') !== 'DENY') {
    throw new VerificationError('X-Frame-Options must be DENY');
  }
  findings.push('security headers ok');

  const { res: metrics, text } = await probe(
    `${baseUrl}/metrics`,
    {},
    timeoutMs,
  );
  if (
    metrics.status !== 200 ||
    !text.includes('# TYPE http_request_duration_seconds histogram') ||
    !text.includes('process_cpu_user_seconds_total')
  ) {
    throw new VerificationError(
      '/metrics must expose http_request_duration_seconds and the default process metrics',
    );
  }
  findings.push('/metrics ok');

  for (let i = 1; i <= rateLimitMax + 1; i++) {
    const { res } = await probe(
      `${baseUrl}${probePath}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'verification' }),
      },
      timeoutMs,
    );
    if (res.status === 429) {
      if (i <= rateLimitMax) {
        throw new VerificationError(
          `Rate limited after ${i} requests; limit is ${rateLimitMax}`,
        );
      }
      if (!res.headers.get('retry-after')) {
        throw new VerificationError('429 without a Retry-After header');
      }
      findings.push(
        `rate limit ok (429 with Retry-After after ${rateLimitMax} requests)`,
      );
      return findings;
    }
  }
  throw new VerificationError(
    `No 429 after ${
      rateLimitMax + 1
    } requests with RATE_LIMIT_MAX=${rateLimitMax}`,
  );
}

/**
 * The verification gate: installs the generated service in a scratch copy, runs its
 * tests, starts it and probes /health, /metrics, the security headers and the rate limit.
 * Any failure fails the task with the reason; the lockfile it resolved is kept.
 */
export function createVerifyServiceAction(options: {
  npmCommand?: string;
  timeoutMs?: number;
}) {
  const npm = options.npmCommand ?? 'npm';
  const timeoutMs = options.timeoutMs ?? 300_000;
  return createTemplateAction({
    id: 'ibias:service:verify',
    description:
      'Installs the generated service, runs its tests, starts it and probes health, metrics, headers and rate limit',
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .default('.')
            .describe('The service folder in the workspace'),
        rateLimitMax: z => z.number().int().min(1).max(100).default(5),
        entry: z =>
          z
            .string()
            .regex(/^[\w./-]+\.js$/)
            .refine(p => !p.split('/').includes('..'), 'must not contain ..')
            .default('dist/src/server.js')
            .describe('The built entry point `npm run build` produces'),
        probePath: z =>
          z
            .string()
            .regex(/^\/[\w./-]*$/)
            .default('/api/v1/echo')
            .describe(
              'A rate-limited endpoint accepting POST {"message": string} as JSON',
            ),
      },
      output: {
        summary: z => z.string(),
        testsPassed: z => z.number(),
        durationSeconds: z => z.number(),
      },
    },
    async handler(ctx) {
      // Schema defaults are documentation only: the scaffolder does not apply them.
      const source = resolveInside(ctx.workspacePath, ctx.input.path ?? '.');
      const rateLimitMax = ctx.input.rateLimitMax ?? 5;
      const entry = ctx.input.entry ?? 'dist/src/server.js';
      const probePath = ctx.input.probePath ?? '/api/v1/echo';
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: verification skipped');
        ctx.output('summary', 'skipped (dry run)');
        ctx.output('testsPassed', 0);
        ctx.output('durationSeconds', 0);
        return;
      }
      const started = Date.now();
      // The scratch copy is removed whatever happens: the scaffolder only removes a
      // step's temporary folders when the step succeeds.
      const dir = path.join(await ctx.createTemporaryDirectory(), 'service');
      try {
        const result = await verifyCopy({
          source,
          dir,
          npm,
          timeoutMs,
          rateLimitMax,
          entry,
          probePath,
          logger: ctx.logger,
          signal: ctx.signal,
        });
        const seconds = Math.round((Date.now() - started) / 1000);
        const summary = [
          `Verified in ${seconds} s: ${result.passed} tests passed`,
          'lint, format and type check clean',
          ...result.findings,
        ].join('; ');
        ctx.logger.info(summary);
        ctx.output('summary', summary);
        ctx.output('testsPassed', result.passed);
        ctx.output('durationSeconds', seconds);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  });
}

/** Stops a started service: SIGTERM to its group, SIGKILL after a grace period. */
async function stopService(child: ChildProcess, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL');
}

/**
 * The gate's work on its scratch copy `dir` of `source`: install, audit, format, lint,
 * type check, test, build, start and probe; on success the formatted files and the
 * resolved lockfile are copied back to `source`.
 */
async function verifyCopy(options: {
  source: string;
  dir: string;
  npm: string;
  timeoutMs: number;
  rateLimitMax: number;
  entry: string;
  probePath: string;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<{ passed: number; findings: string[] }> {
  const { source, dir, npm, logger, signal, rateLimitMax } = options;
  await fs.cp(source, dir, { recursive: true });
  const entryPath = resolveInside(dir, options.entry);
  const runOptions: RunOptions = {
    cwd: dir,
    logger,
    timeoutMs: options.timeoutMs,
    signal,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  };

  logger.info('Installing dependencies');
  await run(npm, ['install', '--no-audit', '--no-fund'], runOptions);
  // No known-vulnerable dependency at creation (moderate or worse).
  const audit = auditVerdict(
    (await capture(npm, ['audit', '--json'], runOptions)).stdout,
  );
  let auditFinding: string;
  if (audit.status === 'vulnerable') {
    throw new VerificationError(
      `Known-vulnerable dependencies: ${audit.packages.join(', ')}`,
    );
  } else if (audit.status === 'clean') {
    auditFinding = `dependency audit clean (${audit.low} low)`;
  } else {
    auditFinding = `dependency audit not checked: ${audit.reason}`;
    logger.warn(
      `The registry's audit endpoint is unavailable (${audit.reason}); the repository's CI runs npm audit`,
    );
  }
  // User input (names, descriptions) lands in YAML and Markdown: format the new
  // repository with its own formatter once, so its CI's format check passes from the
  // first commit; then hold it to its own lint and format checks.
  logger.info('Formatting, linting and type checking');
  await run(npm, ['run', 'format', '--silent'], runOptions);
  await run(npm, ['run', 'format:check'], runOptions);
  await run(npm, ['run', 'lint'], runOptions);
  await run(npm, ['run', 'typecheck'], runOptions);
  logger.info('Running the tests');
  const testOutput = await run(npm, ['test'], runOptions);
  const passed = Number(/ℹ pass (\d+)/.exec(testOutput)?.[1] ?? 0);
  const failed = Number(/ℹ fail (\d+)/.exec(testOutput)?.[1] ?? 0);
  if (passed === 0 || failed > 0) {
    throw new VerificationError(`Tests: ${passed} passed, ${failed} failed`);
  }

  logger.info('Starting the service');
  await run(npm, ['run', 'build', '--silent'], runOptions);
  if (signal?.aborted) throw new VerificationError('The task was cancelled');
  const port = await freePort();
  const child = spawnUntrusted(
    process.execPath,
    [path.relative(dir, entryPath)],
    {
      cwd: dir,
      env: {
        PORT: String(port),
        NODE_ENV: 'production',
        RATE_LIMIT_MAX: String(rateLimitMax),
        GIT_COMMIT: 'verification',
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stderr: true,
    },
  );
  child.stdout?.on('data', d => logger.info(String(d).trim()));
  child.stderr?.on('data', d => logger.warn(String(d).trim()));
  const onAbort = () => killGroup(child);
  signal?.addEventListener('abort', onAbort);
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (signal?.aborted) {
        throw new VerificationError('The task was cancelled');
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new VerificationError(
          `The service exited with code ${child.exitCode ?? child.signalCode}`,
        );
      }
      const ready = await fetch(`${baseUrl}/ready`, {
        signal: AbortSignal.timeout(2_000),
      }).then(
        async r => {
          await r.arrayBuffer();
          return r.ok;
        },
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) {
        throw new VerificationError(
          'The service did not become ready within 30 s',
        );
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    const findings = await probeService(
      baseUrl,
      rateLimitMax,
      options.probePath,
    );
    if (signal?.aborted) throw new VerificationError('The task was cancelled');
    // Keep the formatted files and the resolved lockfile: the repository is created
    // formatted and with exact versions.
    await fs.cp(dir, source, {
      recursive: true,
      filter: src => {
        const rel = path.relative(dir, src).split(path.sep)[0];
        return !BUILD_OUTPUT.has(rel) && !rel.endsWith('.tsbuildinfo');
      },
    });
    return { passed, findings: [auditFinding, ...findings] };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await stopService(child);
  }
}
