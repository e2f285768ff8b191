import type { DependencyCheck } from '@internal/plugin-ibias-deployments-common';

/**
 * Asks a dependency's readiness URL (Prometheus's `/-/ready`, an API server's `/readyz`)
 * with a short timeout. The answer names the dependency and says ok or down with a fixed
 * phrase: the health endpoint needs no token, so no address and no error text leaves.
 */
export async function checkHttp(
  name: string,
  url: string,
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<DependencyCheck> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const started = Date.now();
  const latencyMs = () => Date.now() - started;
  try {
    const res = await fetch(url, {
      headers: options.headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok
      ? { name, status: 'ok', latencyMs: latencyMs() }
      : {
          name,
          status: 'down',
          latencyMs: latencyMs(),
          detail: `answered ${res.status}`,
        };
  } catch (e) {
    const timedOut = (e as Error)?.name === 'TimeoutError';
    return {
      name,
      status: 'down',
      latencyMs: latencyMs(),
      detail: timedOut
        ? `timed out after ${Math.round(timeoutMs / 100) / 10} s`
        : 'unreachable',
    };
  }
}
