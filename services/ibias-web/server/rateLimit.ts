// A fixed-window rate limiter per client key (the client's address).

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets. */
  retryAfterSeconds: number;
}

export function createRateLimiter(options: {
  windowMs: number;
  max: number;
  now?: () => number;
  maxKeys?: number;
}) {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { start: number; count: number }>();

  return (key: string): RateLimitDecision => {
    const t = now();
    let w = windows.get(key);
    if (!w || t - w.start >= options.windowMs) {
      // Bounded memory: forget the oldest windows rather than grow without limit.
      if (!w && windows.size >= maxKeys) {
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      w = { start: t, count: 0 };
      windows.delete(key);
      windows.set(key, w);
    }
    w.count += 1;
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((w.start + options.windowMs - t) / 1000),
    );
    return {
      allowed: w.count <= options.max,
      remaining: Math.max(0, options.max - w.count),
      retryAfterSeconds,
    };
  };
}
