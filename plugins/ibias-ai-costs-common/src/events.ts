/** The most events one `POST /events` may carry. */
export const MAX_EVENTS_PER_BATCH = 1000;
/** How late an event may arrive (its timestamp before the time it is received). */
export const LATE_EVENT_DAYS = 7;
/** How far ahead of the receiving clock a timestamp may be (clock skew). */
export const FUTURE_SKEW_MS = 5 * 60_000;

/** Replicate's hardware tiers, as its price list names them. */
export const HARDWARE_TIERS = [
  'cpu',
  'gpu-t4',
  'gpu-a40-small',
  'gpu-a40-large',
  'gpu-l40s',
  'gpu-a100-large',
  'gpu-h100',
] as const;
export type HardwareTier = (typeof HARDWARE_TIERS)[number];

export const OPERATIONS = [
  'chat',
  'completion',
  'embedding',
  'image',
  'audio',
  'prediction',
  'other',
] as const;

/**
 * Fields that would carry what was asked or answered. They are refused by name, never
 * stored, and the error does not quote them.
 */
export const CONTENT_FIELDS = [
  'prompt',
  'prompts',
  'completion',
  'completions',
  'messages',
  'input',
  'output',
  'text',
  'content',
  'response',
  'choices',
] as const;

/**
 * One AI call as a service reports it (the `UsageEvent` of the HTTP API, whose OpenAPI
 * document holds the field rules), with its defaults applied.
 */
export interface UsageEvent {
  id: string;
  /** When the call finished (ISO 8601 with a zone). */
  timestamp: string;
  entityRef: string;
  provider: string;
  model: string;
  operation: (typeof OPERATIONS)[number];
  /** Every input token, cached ones included (as OpenAI's usage.prompt_tokens). */
  inputTokens: number;
  outputTokens: number;
  /** The part of inputTokens read from the provider's cache (billed at its own rate). */
  cachedInputTokens: number;
  /** Billed seconds of a time-priced model. */
  seconds: number;
  hardware?: HardwareTier;
  latencyMs: number;
  status: 'success' | 'error';
  /** Answered from the service's own cache: no provider call, no cost. */
  cacheHit: boolean;
}

/** The fields the HTTP API fills with its defaults when they are absent. */
type DefaultedField =
  | 'operation'
  | 'inputTokens'
  | 'outputTokens'
  | 'cachedInputTokens'
  | 'seconds'
  | 'cacheHit';

/** An event as sent: the HTTP API fills what is absent with its defaults. */
export type UsageEventInput = Partial<Pick<UsageEvent, DefaultedField>> &
  Omit<UsageEvent, DefaultedField>;

/** The event with the document's defaults applied. */
export function withDefaults(event: UsageEventInput): UsageEvent {
  return {
    ...event,
    operation: event.operation ?? 'chat',
    inputTokens: event.inputTokens ?? 0,
    outputTokens: event.outputTokens ?? 0,
    cachedInputTokens: event.cachedInputTokens ?? 0,
    seconds: event.seconds ?? 0,
    cacheHit: event.cacheHit ?? false,
  };
}

/** Why one event of a batch was refused: its index and what is wrong, quoting no value. */
export interface EventProblem {
  index: number;
  field: string;
  message: string;
}

/**
 * The rules of a batch a JSON schema cannot say (the field rules are the OpenAPI
 * document's, checked before): cached input within input, a timestamp no more than 7
 * days old nor in the future, and each id once. The batch is taken whole or not at all.
 */
export function checkUsageEvents(
  events: ReadonlyArray<UsageEvent>,
  now: Date,
): EventProblem[] {
  const problems: EventProblem[] = [];
  const seen = new Set<string>();
  const earliest = now.getTime() - LATE_EVENT_DAYS * 86_400_000;
  const latest = now.getTime() + FUTURE_SKEW_MS;
  events.forEach((event, index) => {
    if (event.cachedInputTokens > event.inputTokens) {
      problems.push({
        index,
        field: 'cachedInputTokens',
        message: 'must not exceed inputTokens',
      });
    }
    const at = Date.parse(event.timestamp);
    if (Number.isNaN(at)) {
      // What the date-time format lets through but no clock has: a leap second (:60).
      problems.push({
        index,
        field: 'timestamp',
        message: 'is not an instant (a leap second, :60, is not accepted)',
      });
    } else if (at < earliest) {
      problems.push({
        index,
        field: 'timestamp',
        message: `is more than ${LATE_EVENT_DAYS} days old: late events are accepted for ${LATE_EVENT_DAYS} days`,
      });
    } else if (at > latest) {
      problems.push({ index, field: 'timestamp', message: 'is in the future' });
    }
    if (seen.has(event.id)) {
      problems.push({
        index,
        field: 'id',
        message: 'appears twice in the batch',
      });
    }
    seen.add(event.id);
  });
  return problems;
}

/** The problems as one message: `request/body/events/3/timestamp is in the future, …`. */
export function describeEventProblems(problems: ReadonlyArray<EventProblem>) {
  const shown = problems
    .slice(0, 10)
    .map(p => `request/body/events/${p.index}/${p.field} ${p.message}`);
  const more = problems.length - shown.length;
  return more > 0 ? `${shown.join(', ')} (and ${more} more)` : shown.join(', ');
}
