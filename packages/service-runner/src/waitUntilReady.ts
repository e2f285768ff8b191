import type { ChildProcess } from 'node:child_process';
import { seconds } from './runProcess';

/** Why a started service never answered /ready. */
export class ServiceNotReadyError extends Error {
  name = 'ServiceNotReadyError';
  constructor(
    readonly reason: 'exited' | 'timeout' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

export interface WaitUntilReadyOptions {
  /** The process that should answer: when it exits the wait ends at once. */
  child?: ChildProcess;
  /** How long the service may take to answer /ready with 2xx. */
  timeoutMs: number;
  /** Each /ready request gives up after this long (default 2 s). */
  requestTimeoutMs?: number;
  /** Pause between attempts (default 200 ms). */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Who is waited for, in messages (e.g. `ibias-api@1.2.0`); default `The service`. */
  label?: string;
}

async function answersReady(url: string, timeoutMs: number) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Polls `<baseUrl>/ready` until it answers 2xx; rejects with a ServiceNotReadyError when
 * the process exits first, the time is up or the caller aborts.
 */
export async function waitUntilReady(
  baseUrl: string,
  options: WaitUntilReadyOptions,
): Promise<void> {
  const label = options.label ?? 'The service';
  const deadline = Date.now() + options.timeoutMs;
  const { child, signal } = options;
  for (;;) {
    if (signal?.aborted) {
      throw new ServiceNotReadyError('aborted', `${label}: cancelled`);
    }
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new ServiceNotReadyError(
        'exited',
        `${label} exited with code ${child.exitCode ?? child.signalCode}`,
      );
    }
    if (
      await answersReady(`${baseUrl}/ready`, options.requestTimeoutMs ?? 2_000)
    ) {
      return;
    }
    if (Date.now() > deadline) {
      throw new ServiceNotReadyError(
        'timeout',
        `${label} was not ready within ${seconds(options.timeoutMs)} s`,
      );
    }
    await new Promise(resolve =>
      setTimeout(resolve, options.intervalMs ?? 200),
    );
  }
}
