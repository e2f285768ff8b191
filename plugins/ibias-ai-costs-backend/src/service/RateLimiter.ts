/**
 * A token bucket per caller: `burst` requests at once, then `perSecond`; and, when set,
 * a quota of events a caller reports a UTC day. Callers are
 * kept while they have spent tokens; the map is bounded so a flood of new principals
 * cannot grow it without end (the oldest are forgotten, which only lets them in sooner).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly daily = new Map<string, { day: number; count: number }>();

  constructor(
    private readonly options: {
      perSecond: number;
      burst: number;
      /** Events a caller may report a UTC day (in this replica); unset, no quota. */
      maxEventsPerDay?: number;
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

  /**
   * Counts `events` against the caller's quota of the UTC day: 0 when within it, else the
   * seconds until the next day (the batch is refused whole).
   */
  takeEvents(caller: string, events: number): number {
    const max = this.options.maxEventsPerDay;
    if (max === undefined) return 0;
    const now = this.options.now?.() ?? Date.now();
    const day = Math.floor(now / 86_400_000);
    const used = this.daily.get(caller);
    const count = used && used.day === day ? used.count : 0;
    if (count + events > max) {
      return Math.max(1, Math.ceil(((day + 1) * 86_400_000 - now) / 1000));
    }
    this.daily.delete(caller);
    this.daily.set(caller, { day, count: count + events });
    const callers = this.options.maxCallers ?? 10_000;
    while (this.daily.size > callers) {
      this.daily.delete(this.daily.keys().next().value!);
    }
    return 0;
  }

  private evict() {
    const max = this.options.maxCallers ?? 10_000;
    while (this.buckets.size > max) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
  }
}
