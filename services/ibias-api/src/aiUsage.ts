// The IBIAS AI usage reporter (@internal/ibias-ai-costs-client). The ibias-service
// template carries a copy as src/aiUsage.ts; a test keeps the two the same.
import { randomUUID } from 'node:crypto';

/** One AI call, as POST /api/ibias-ai-costs/events takes it (no prompt, no completion). */
export interface AiUsageEvent {
  id: string;
  timestamp: string;
  entityRef: string;
  provider: string;
  model: string;
  operation?:
    | 'chat'
    | 'completion'
    | 'embedding'
    | 'image'
    | 'audio'
    | 'prediction'
    | 'other';
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  seconds?: number;
  hardware?: string;
  latencyMs: number;
  status: 'success' | 'error';
  cacheHit?: boolean;
}

/** The usage block of an OpenAI-style answer (chat completions and responses alike). */
interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
  input_tokens_details?: { cached_tokens?: number };
}

export interface AiUsageReporterOptions {
  /** The portal's base URL, e.g. http://localhost:7007. Unset: events are dropped (counted). */
  portalUrl?: string;
  /** A Backstage external-access token for this service. */
  token?: string;
  /**
   * This service's usage key (IBIAS_AI_USAGE_KEY, given by the portal's deployments): it
   * reports for this service only. Sent instead of `token` when both are set.
   */
  usageKey?: string;
  /** The service's catalog entity ref. */
  entityRef: string;
  /** Events per POST (at most 1,000). Default 100. */
  batchSize?: number;
  /** How often queued events are sent. Default 2 s. */
  flushIntervalMs?: number;
  /** Events kept while the portal is away; past it the oldest are dropped. Default 10,000. */
  maxQueue?: number;
  /** How long one POST may take. Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Where problems are said (never thrown at the service). Default console.warn. */
  warn?: (message: string) => void;
  now?: () => number;
}

const MAX_BACKOFF_MS = 60_000;

/** Non-negative whole numbers only: the portal refuses the rest (and the batch with it). */
const count = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : 0;

/**
 * Reports AI calls to the portal. `wrap` runs the call, times it and reads its usage; the
 * call's answer or error goes back to the caller unchanged. Events are queued and sent in
 * the background in batches; a portal that does not answer, answers 429 or 5xx is tried
 * again later (its Retry-After respected, else a doubling backoff); a 400 drops the batch
 * (it would never be taken) and says why. Nothing here ever throws at the service.
 */
export class AiUsageReporter {
  private queue: AiUsageEvent[] = [];
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> | undefined;
  private notBefore = 0;
  private backoffMs = 1000;
  /** What could not be kept or sent, for the service's own metrics. */
  readonly stats = { sent: 0, dropped: 0, refused: 0, retries: 0 };

  constructor(private readonly options: AiUsageReporterOptions) {
    this.timer = setInterval(
      () => void this.flush(),
      options.flushIntervalMs ?? 2000,
    );
    this.timer.unref();
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  private warn(message: string) {
    (this.options.warn ?? console.warn)(`[ibias-ai-costs] ${message}`);
  }

  /** Queues one event (an id and a timestamp are added when missing). */
  record(
    event: Omit<AiUsageEvent, 'id' | 'timestamp' | 'entityRef'> &
      Partial<Pick<AiUsageEvent, 'id' | 'timestamp' | 'entityRef'>>,
  ) {
    // The event first: an explicit undefined must not unset a default.
    this.queue.push({
      ...event,
      id: event.id ?? randomUUID(),
      timestamp: event.timestamp ?? new Date(this.now()).toISOString(),
      entityRef: event.entityRef ?? this.options.entityRef,
    } as AiUsageEvent);
    const max = this.options.maxQueue ?? 10_000;
    if (this.queue.length > max) {
      const dropped = this.queue.length - max;
      this.queue.splice(0, dropped);
      this.stats.dropped += dropped;
    }
    if (this.queue.length >= (this.options.batchSize ?? 100)) void this.flush();
  }

  /**
   * Runs an OpenAI-style call and reports it: tokens from the answer's `usage`, the
   * latency, success or error. Returns what the call returned; rethrows what it threw.
   */
  async wrap<T>(
    meta: {
      provider: string;
      model: string;
      operation?: AiUsageEvent['operation'];
    },
    call: () => Promise<T>,
  ): Promise<T> {
    const started = this.now();
    try {
      const answer = await call();
      const usage = (answer as { usage?: OpenAiUsage } | undefined)?.usage;
      this.record({
        ...meta,
        inputTokens: count(usage?.prompt_tokens ?? usage?.input_tokens),
        outputTokens: count(usage?.completion_tokens ?? usage?.output_tokens),
        cachedInputTokens: count(
          usage?.prompt_tokens_details?.cached_tokens ??
            usage?.input_tokens_details?.cached_tokens,
        ),
        latencyMs: Math.max(0, this.now() - started),
        status: 'success',
      });
      return answer;
    } catch (error) {
      this.record({
        ...meta,
        latencyMs: Math.max(0, this.now() - started),
        status: 'error',
      });
      throw error;
    }
  }

  /** Sends what is queued (one batch at a time); resolves when this round is done. */
  flush(): Promise<void> {
    if (!this.sending) {
      this.sending = this.sendAll().finally(() => {
        this.sending = undefined;
      });
    }
    return this.sending;
  }

  /** Stops the timer and sends what is left (once). */
  async close() {
    clearInterval(this.timer);
    await this.flush();
  }

  private async sendAll() {
    const { portalUrl } = this.options;
    if (!portalUrl) {
      this.stats.dropped += this.queue.length;
      this.queue = [];
      return;
    }
    const size = Math.min(this.options.batchSize ?? 100, 1000);
    while (this.queue.length > 0 && this.now() >= this.notBefore) {
      const batch = this.queue.slice(0, size);
      const outcome = await this.post(portalUrl, batch);
      if (outcome === 'retry') {
        this.stats.retries += 1;
        return;
      }
      this.queue.splice(0, batch.length);
      if (outcome === 'sent') {
        this.stats.sent += batch.length;
        this.backoffMs = 1000;
      } else {
        this.stats.refused += batch.length;
      }
    }
  }

  private async post(
    portalUrl: string,
    events: AiUsageEvent[],
  ): Promise<'sent' | 'refused' | 'retry'> {
    try {
      const response = await (this.options.fetch ?? fetch)(
        `${portalUrl.replace(/\/$/, '')}/api/ibias-ai-costs/events`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.auth() },
          body: JSON.stringify({ events }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        },
      );
      const text = await response.text().catch(() => '');
      if (response.ok) return 'sent';
      if (response.status === 429 || response.status >= 500) {
        const after = Number(response.headers.get('retry-after'));
        this.later(
          Number.isFinite(after) && after > 0 ? after * 1000 : undefined,
        );
        return 'retry';
      }
      let message = `the portal answered ${response.status}`;
      try {
        message = JSON.parse(text).error?.message ?? message;
      } catch {
        // not JSON: the status says enough
      }
      this.warn(`${events.length} usage events refused: ${message}`);
      return 'refused';
    } catch (error) {
      this.later();
      this.warn(
        `the portal did not answer (${
          error instanceof Error ? error.message : error
        }); ${this.queue.length} events kept`,
      );
      return 'retry';
    }
  }

  /** The usage key when there is one (it reports for this service only), else the token. */
  private auth(): Record<string, string> {
    const { usageKey, token } = this.options;
    if (usageKey) return { 'x-ibias-usage-key': usageKey };
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  private later(ms?: number) {
    const wait = ms ?? this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.notBefore = this.now() + wait;
  }
}
