import type { TargetRef } from '@internal/plugin-ibias-deployments-node';
import { instanceKey } from './ProcessSupervisor';

export interface LoadProfile {
  /** Requests per second sent through the router while analysing. */
  rps: number;
  method: string;
  path: string;
  body?: string;
}

/**
 * Generated traffic through a service's router while its analysis runs (as Flagger's
 * load tester): one request every 1/rps seconds, answers read and dropped.
 */
export class LoadGenerator {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly options: {
      /** Each request gives up after this long (default 5 s). */
      requestTimeoutMs?: number;
    } = {},
  ) {}

  /** Sends `profile` to `url` (the router) until stopped; replaces what ran before. */
  start(ref: TargetRef, url: string, profile: LoadProfile) {
    this.stop(ref);
    if (profile.rps <= 0) return;
    const timer = setInterval(() => {
      fetch(`${url}${profile.path}`, {
        method: profile.method,
        headers: profile.body ? { 'Content-Type': 'application/json' } : {},
        body: profile.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 5_000),
      })
        .then(r => r.arrayBuffer())
        .catch(() => undefined);
    }, Math.max(5, Math.round(1000 / profile.rps)));
    timer.unref();
    this.timers.set(instanceKey(ref), timer);
  }

  stop(ref: TargetRef) {
    const key = instanceKey(ref);
    clearInterval(this.timers.get(key));
    this.timers.delete(key);
  }

  stopAll() {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }
}
