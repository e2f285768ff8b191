import { z } from 'zod';

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

/** "is required" when absent, "must be a <type>" when of another type. */
const typed = (what: string, type: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined
      ? `${what} is required`
      : `${what} must be ${type}`,
});

const count = (what: string) =>
  z
    .number(typed(what, 'a number'))
    .int(`${what} must be a whole number`)
    .nonnegative(`${what} must not be negative`)
    .max(1e12, `${what} must be at most 1e12`);

const name = (what: string, max: number) =>
  z
    .string(typed(what, 'a string'))
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/,
      `${what} must be letters, digits and . _ : / @ + -`,
    );

/**
 * One AI call as a service reports it. Token counts for token-priced models (OpenAI),
 * seconds and a hardware tier for time-priced ones (Replicate). No NaN, no negative, no
 * unknown field; prompt and completion text are refused.
 */
export const usageEventSchema = z
  .object({
    /** The caller's id for the call: a replayed event with the same id changes nothing. */
    id: name('id', 128),
    /** When the call finished (ISO 8601 with a zone). */
    timestamp: z.iso.datetime({
      offset: true,
      error: issue =>
        issue.input === undefined
          ? 'timestamp is required'
          : 'timestamp must be an ISO 8601 date-time with a zone',
    }),
    /** The catalog entity that made the call, e.g. component:default/ai-recommendations. */
    entityRef: z
      .string(typed('entityRef', 'a string'))
      .max(255, 'entityRef must be at most 255 characters')
      .regex(
        /^[a-zA-Z][a-zA-Z0-9-]*:[a-zA-Z0-9-_.]+\/[a-zA-Z0-9-_.]+$/,
        'entityRef must be a full entity ref such as component:default/ai-recommendations',
      ),
    provider: name('provider', 64),
    model: name('model', 128),
    operation: z
      .enum(OPERATIONS, {
        error: `operation must be one of ${OPERATIONS.join(', ')}`,
      })
      .default('chat'),
    /** Every input token, cached ones included (as OpenAI's usage.prompt_tokens). */
    inputTokens: count('inputTokens').default(0),
    outputTokens: count('outputTokens').default(0),
    /** The part of inputTokens read from the provider's cache (billed at its own rate). */
    cachedInputTokens: count('cachedInputTokens').default(0),
    /** Billed seconds of a time-priced model. */
    seconds: z
      .number(typed('seconds', 'a number'))
      .nonnegative('seconds must not be negative')
      .max(86_400 * 7, 'seconds must be at most a week')
      .default(0),
    hardware: z
      .enum(HARDWARE_TIERS, {
        error: `hardware must be one of ${HARDWARE_TIERS.join(', ')}`,
      })
      .optional(),
    latencyMs: z
      .number(typed('latencyMs', 'a number'))
      .nonnegative('latencyMs must not be negative')
      .max(86_400_000, 'latencyMs must be at most a day'),
    status: z.enum(['success', 'error'], {
      error: 'status must be success or error',
    }),
    /** Answered from the service's own cache: no provider call, no cost. */
    cacheHit: z.boolean(typed('cacheHit', 'true or false')).default(false),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (event.cachedInputTokens > event.inputTokens) {
      ctx.addIssue({
        code: 'custom',
        path: ['cachedInputTokens'],
        message: 'cachedInputTokens must not exceed inputTokens',
      });
    }
  });

export type UsageEventInput = z.input<typeof usageEventSchema>;
export type UsageEvent = z.output<typeof usageEventSchema>;

export const usageBatchSchema = z
  .object({
    events: z
      .array(z.unknown(), typed('events', 'an array'))
      .min(1, 'events must hold at least one event')
      .max(
        MAX_EVENTS_PER_BATCH,
        `events must hold at most ${MAX_EVENTS_PER_BATCH} events`,
      ),
  })
  .strict();

/** Why one event of a batch was refused: its index and what is wrong, quoting no value. */
export interface EventProblem {
  index: number;
  field: string;
  message: string;
}

/**
 * Every event of a batch validated; the batch is taken whole or not at all. Content
 * fields are named as refused before anything else is said of the event, and no message
 * quotes a value the caller sent.
 */
export function parseUsageBatch(
  body: unknown,
  now: Date,
): { events: UsageEvent[] } | { problems: EventProblem[] } {
  const batch = usageBatchSchema.safeParse(body);
  if (!batch.success) {
    return {
      problems: batch.error.issues.map(issue => ({
        index: -1,
        field: issue.path.join('.') || 'body',
        message:
          issue.code === 'unrecognized_keys'
            ? 'the body holds only "events"'
            : issue.message,
      })),
    };
  }
  const problems: EventProblem[] = [];
  const events: UsageEvent[] = [];
  const seen = new Set<string>();
  const earliest = now.getTime() - LATE_EVENT_DAYS * 86_400_000;
  const latest = now.getTime() + FUTURE_SKEW_MS;
  batch.data.events.forEach((raw, index) => {
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
      const content = CONTENT_FIELDS.filter(f => Object.hasOwn(raw, f));
      if (content.length > 0) {
        problems.push({
          index,
          field: content[0],
          message: `${content.join(
            ', ',
          )}: prompt and completion text are not accepted (usage only)`,
        });
        return;
      }
    }
    const parsed = usageEventSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({
          index,
          field: issue.path.join('.') || 'event',
          message:
            issue.code === 'unrecognized_keys'
              ? `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys
                  .map(k => (k.length > 40 ? `${k.slice(0, 40)}…` : k))
                  .join(', ')}`
              : issue.message,
        });
      }
      return;
    }
    const at = Date.parse(parsed.data.timestamp);
    if (at < earliest) {
      problems.push({
        index,
        field: 'timestamp',
        message: `timestamp is more than ${LATE_EVENT_DAYS} days old: late events are accepted for ${LATE_EVENT_DAYS} days`,
      });
      return;
    }
    if (at > latest) {
      problems.push({
        index,
        field: 'timestamp',
        message: 'timestamp is in the future',
      });
      return;
    }
    if (seen.has(parsed.data.id)) {
      problems.push({
        index,
        field: 'id',
        message: 'id appears twice in the batch',
      });
      return;
    }
    seen.add(parsed.data.id);
    events.push(parsed.data);
  });
  return problems.length > 0 ? { problems } : { events };
}
