/**
 * A token bucket per caller: `burst` requests at once, then `perSecond`. Callers are
 * kept while they have spent tokens; the map is bounded so a flood of new principals
 * cannot grow it without end (the oldest are forgotten, which only lets them in sooner).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly options: {
      perSecond: number;
      burst: number;
      now?: () => number;
      maxCallers?: number;
    },
  ) {}

  /** Takes one token: 0 when allowed, else the seconds until one is there. */
  take(caller: string): number {
    const now = this.options.now?.() ?? Date.now();
    const { perSecond, burst } = this.options;
    const bucket = this.buckets.get(caller) ?? { tokens: burst, at: now };
    const tokens = Math.min(
      burst,
      bucket.tokens + ((now - bucket.at) / 1000) * perSecond,
    );
    this.buckets.delete(caller);
    if (tokens >= 1) {
      this.buckets.set(caller, { tokens: tokens - 1, at: now });
      this.evict();
      return 0;
    }
    this.buckets.set(caller, { tokens, at: now });
    this.evict();
    return Math.max(1, Math.ceil((1 - tokens) / perSecond));
  }

  private evict() {
    const max = this.options.maxCallers ?? 10_000;
    while (this.buckets.size > max) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
  }
}
