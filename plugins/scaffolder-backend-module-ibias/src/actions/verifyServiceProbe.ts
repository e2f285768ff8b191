import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  checkHealth,
  checkMetrics,
  checkRateLimit,
  checkSecurityHeaders,
  freePort,
  ServiceNotReadyError,
  signalProcessGroup,
  startUntrusted,
  stopProcessGroup,
  waitUntilReady,
  type ServiceCheck,
} from '@internal/ibias-service-runner';
import { CANCELLED, VerificationError } from './verifyServiceCommands';

/**
 * The IBIAS service probe (the local deploy target's checks), against a started
 * service: /health, the security headers, /metrics, then the rate limit on `probePath`.
 * Resolves with what passed; the first failure throws its reason.
 */
export async function probeService(
  baseUrl: string,
  rateLimitMax: number,
  probePath = '/api/v1/echo',
  timeoutMs = 5_000,
): Promise<string[]> {
  const checks: Array<() => Promise<ServiceCheck>> = [
    () => checkHealth(baseUrl, { timeoutMs }),
    () => checkSecurityHeaders(baseUrl, { timeoutMs }),
    () => checkMetrics(baseUrl, { timeoutMs }),
    () =>
      checkRateLimit(baseUrl, {
        limit: rateLimitMax,
        path: probePath,
        timeoutMs,
      }),
  ];
  const findings: string[] = [];
  for (const check of checks) {
    const { passed, detail } = await check();
    if (!passed) throw new VerificationError(detail);
    findings.push(detail);
  }
  return findings;
}

/**
 * Starts the built service (`node <entry>` in `dir`, NODE_ENV=production, a small rate
 * limit) on a free loopback port, waits until it is ready, probes it and stops it with
 * everything it started, whatever happened.
 */
export async function startAndProbe(options: {
  dir: string;
  entryPath: string;
  rateLimitMax: number;
  probePath: string;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<string[]> {
  const { dir, logger, signal, rateLimitMax } = options;
  if (signal?.aborted) throw new VerificationError(CANCELLED);
  const port = await freePort();
  const child = startUntrusted(
    process.execPath,
    [path.relative(dir, options.entryPath)],
    {
      cwd: dir,
      env: {
        PORT: String(port),
        NODE_ENV: 'production',
        RATE_LIMIT_MAX: String(rateLimitMax),
        GIT_COMMIT: 'verification',
        NEXT_TELEMETRY_DISABLED: '1',
      },
    },
  );
  child.stdout?.on('data', d => logger.info(String(d).trim()));
  child.stderr?.on('data', d => logger.warn(String(d).trim()));
  const onAbort = () => signalProcessGroup(child);
  signal?.addEventListener('abort', onAbort);
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntilReady(baseUrl, {
      child,
      timeoutMs: 30_000,
      intervalMs: 250,
      signal,
    }).catch(error => {
      if (error instanceof ServiceNotReadyError) {
        throw new VerificationError(
          error.reason === 'aborted' ? CANCELLED : error.message,
        );
      }
      throw error;
    });
    const findings = await probeService(
      baseUrl,
      rateLimitMax,
      options.probePath,
    );
    if (signal?.aborted) throw new VerificationError(CANCELLED);
    return findings;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await stopProcessGroup(child);
  }
}
