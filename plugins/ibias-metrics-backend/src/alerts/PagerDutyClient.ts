import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  CustomErrorBase,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';

/**
 * Delivery of alerts to PagerDuty through its Events API v2 (`POST /v2/enqueue`).
 *
 * Retrying is safe because every event carries our own dedup key: PagerDuty folds a
 * repeated trigger into the incident it already opened, and a repeated resolve or
 * acknowledge changes nothing. The routing key is a credential (anyone holding it can
 * open incidents), so it is sent in the body and nowhere else: not in logs, not in error
 * messages, not even when PagerDuty's own answer quotes it.
 */

export const PAGERDUTY_DEFAULT_BASE_URL = 'https://events.pagerduty.com';
/** PagerDuty refuses longer summaries; we cut them rather than lose the event. */
export const PAGERDUTY_SUMMARY_MAX_LENGTH = 1024;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PagerDutyLink {
  href: string;
  text?: string;
}

/** Opens an incident, or adds to the one open under the same dedup key. */
export interface PagerDutyTriggerEvent {
  action: 'trigger';
  dedupKey: string;
  /** Shown as the incident's title; cut to 1024 characters. */
  summary: string;
  /** The affected system, e.g. the service's entity ref. */
  source: string;
  severity: PagerDutySeverity;
  /** UTC ISO 8601; PagerDuty uses the time it received the event when absent. */
  timestamp?: string;
  component?: string;
  group?: string;
  class?: string;
  customDetails?: Record<string, unknown>;
  /** E.g. the portal's page of the alert. */
  links?: PagerDutyLink[];
}

export interface PagerDutyFollowUpEvent {
  action: 'acknowledge' | 'resolve';
  dedupKey: string;
}

export type PagerDutyEvent = PagerDutyTriggerEvent | PagerDutyFollowUpEvent;

export interface PagerDutySendResult {
  /** The dedup key PagerDuty filed the event under. */
  dedupKey: string;
  attempts: number;
}

export interface PagerDutyClientOptions {
  /** The integration's routing key (Events API v2). Never logged. */
  routingKey: string;
  /** Default https://events.pagerduty.com. */
  baseUrl?: string;
  /** Attempts per event, the first included; default 5. */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles per attempt; default 500 ms. */
  initialDelayMs?: number;
  /** Cap of one backoff; default 30 s. */
  maxDelayMs?: number;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); the jitter's source. */
  random?: () => number;
  logger?: LoggerService;
}

/** PagerDuty answered with a status that no retry can change and that is not a 400. */
export class PagerDutyDeliveryError extends CustomErrorBase {
  name = 'PagerDutyDeliveryError' as const;
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** What PagerDuty says about an event it refused (400) or failed on. */
interface PagerDutyAnswer {
  message?: string;
  errors?: string[];
  dedupKey?: string;
}

/** One attempt's outcome when it is worth another try. */
class RetryableFailure extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAnswer(text: string): PagerDutyAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) || undefined };
  }
  if (!isRecord(body)) return {};
  return {
    message: typeof body.message === 'string' ? body.message : undefined,
    errors: Array.isArray(body.errors) ? body.errors.map(String) : undefined,
    dedupKey: typeof body.dedup_key === 'string' ? body.dedup_key : undefined,
  };
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never split a surrogate pair: half a character is invalid JSON text to PagerDuty.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** "fetch failed (ECONNRESET)": Node's fetch hides the reason in its cause. */
function describe(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm than this module's Error.
  if (!isRecord(error) || typeof error.message !== 'string') {
    return String(error);
  }
  const cause = error.cause;
  const code =
    isRecord(cause) && typeof cause.code === 'string' ? cause.code : undefined;
  return code ? `${error.message} (${code})` : error.message;
}

const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

export class PagerDutyClient {
  private readonly routingKey: string;
  private readonly url: string;
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly logger?: LoggerService;

  constructor(options: PagerDutyClientOptions) {
    if (!options.routingKey) {
      throw new InputError('PagerDuty needs a routing key');
    }
    const maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new InputError(
        `PagerDuty maxAttempts must be a whole number of at least 1, not ${maxAttempts}`,
      );
    }
    this.routingKey = options.routingKey;
    this.url = `${(options.baseUrl ?? PAGERDUTY_DEFAULT_BASE_URL).replace(
      /\/+$/,
      '',
    )}/v2/enqueue`;
    this.maxAttempts = maxAttempts;
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.logger = options.logger;
  }

  /**
   * Sends one event, retrying 429s, 5xx and network failures with exponential backoff and
   * jitter. Throws `InputError` when PagerDuty refuses the event (400),
   * `ServiceUnavailableError` when every attempt failed, and `PagerDutyDeliveryError` for
   * any other answer.
   */
  async send(event: PagerDutyEvent): Promise<PagerDutySendResult> {
    const body = JSON.stringify(this.toWire(event));
    const what = `${event.action} event ${event.dedupKey}`;
    let lastFailure: Error | undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs(attempt));
      try {
        const answer = await this.attempt(body, what);
        return {
          dedupKey: answer.dedupKey ?? event.dedupKey,
          attempts: attempt,
        };
      } catch (error) {
        if (!(error instanceof RetryableFailure)) throw error;
        lastFailure = error;
        if (attempt < this.maxAttempts) {
          this.logger?.warn(
            `PagerDuty ${what}: attempt ${attempt} of ${this.maxAttempts} failed (${error.message}); retrying`,
          );
        }
      }
    }
    throw new ServiceUnavailableError(
      `PagerDuty did not accept the ${what} after ${this.maxAttempts} attempts`,
      lastFailure,
    );
  }

  /**
   * The wait before `attempt` (2, 3, …): half of the doubled delay fixed, half random,
   * so the waits grow and clients that failed together do not retry together.
   */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(
      this.maxDelayMs,
      this.initialDelayMs * 2 ** (attempt - 2),
    );
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async attempt(body: string, what: string): Promise<PagerDutyAnswer> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // No answer (refused, reset, timed out): the event may or may not have arrived,
      // and the dedup key makes sending it again harmless.
      throw new RetryableFailure(this.redact(`no answer: ${describe(error)}`));
    }
    const answer = parseAnswer(text);
    if (response.status === 202) return answer;
    const said = this.redact(
      [answer.message, ...(answer.errors ?? [])].filter(Boolean).join('; '),
    );
    if (response.status === 429 || response.status >= 500) {
      throw new RetryableFailure(
        `${response.status}${said ? `: ${said}` : ''}`,
      );
    }
    if (response.status === 400) {
      throw new InputError(
        `PagerDuty refused the ${what}: ${said || 'no reason given'}`,
      );
    }
    throw new PagerDutyDeliveryError(
      `PagerDuty answered ${response.status} to the ${what}${
        said ? `: ${said}` : ''
      }`,
      response.status,
    );
  }

  /** PagerDuty may quote the event back; the routing key never leaves in a message. */
  private redact(text: string): string {
    return text.split(this.routingKey).join('[routing key]');
  }

  private toWire(event: PagerDutyEvent): Record<string, unknown> {
    const base = {
      routing_key: this.routingKey,
      event_action: event.action,
      dedup_key: event.dedupKey,
    };
    if (event.action !== 'trigger') return base;
    return {
      ...base,
      payload: {
        summary: truncate(event.summary, PAGERDUTY_SUMMARY_MAX_LENGTH),
        source: event.source,
        severity: event.severity,
        timestamp: event.timestamp,
        component: event.component,
        group: event.group,
        class: event.class,
        custom_details: event.customDetails,
      },
      links: event.links,
    };
  }
}
