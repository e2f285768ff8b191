import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  priceEvent,
  withDefaults,
  type Price,
  type UsageEvent,
  type UsageEventInput,
} from '@internal/plugin-ibias-ai-costs-common';
import {
  UNATTRIBUTED,
  type RecordedEvent,
  type UsageStore,
} from '../database/UsageStore';

/** Who the sample history is recorded as reported by (apart from every real reporter). */
export const SAMPLE_REPORTER = 'sample:history';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A deterministic random sequence (mulberry32): the same seed, the same history. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Stream {
  entityRef: string;
  /** Calls an hour on a weekday at the busiest hour. */
  perHour: number;
  make(
    rnd: () => number,
  ): Omit<UsageEventInput, 'id' | 'timestamp' | 'entityRef'>;
}

const tokens = (rnd: () => number, min: number, max: number) =>
  Math.round(min + rnd() * (max - min));

/**
 * The sample services' AI calls: ai-recommendations answers with gpt-4o-mini (and gpt-4o
 * for a fifth of its calls) over a retrieved context of a few thousand tokens, part of it
 * cached, and runs a Prophet forecast on Replicate's CPU tier now and then; ibias-api
 * summarises with gpt-4o-mini.
 */
const STREAMS: Stream[] = [
  {
    entityRef: 'component:default/ai-recommendations',
    perHour: 16,
    make(rnd) {
      const big = rnd() < 0.2;
      const inputTokens = tokens(rnd, 3500, 8000);
      const error = rnd() < 0.015;
      return {
        provider: 'openai',
        model: big ? 'gpt-4o' : 'gpt-4o-mini',
        operation: 'chat',
        inputTokens: error ? 0 : inputTokens,
        outputTokens: error ? 0 : tokens(rnd, 150, 600),
        cachedInputTokens: error || big ? 0 : Math.round(inputTokens * 0.4),
        latencyMs: error ? tokens(rnd, 40, 120) : tokens(rnd, 700, 4200),
        status: error ? 'error' : 'success',
      };
    },
  },
  {
    entityRef: 'component:default/ai-recommendations',
    perHour: 1.5,
    make(rnd) {
      const seconds = Math.round((8 + rnd() * 40) * 10) / 10;
      return {
        provider: 'replicate',
        model: 'prophet',
        operation: 'prediction',
        seconds,
        hardware: 'cpu',
        latencyMs: Math.round(seconds * 1000 + 900),
        status: 'success',
      };
    },
  },
  {
    entityRef: 'component:default/ibias-api',
    perHour: 5,
    make(rnd) {
      return {
        provider: 'openai',
        model: 'gpt-4o-mini',
        operation: 'chat',
        inputTokens: tokens(rnd, 600, 2400),
        outputTokens: tokens(rnd, 80, 300),
        latencyMs: tokens(rnd, 400, 1800),
        status: 'success',
      };
    },
  },
];

/** Busier in European and American working hours, a third of it on weekends. */
function load(at: Date) {
  const hour = at.getUTCHours();
  const daytime =
    0.25 + 0.75 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI));
  const weekday = at.getUTCDay();
  return daytime * (weekday === 0 || weekday === 6 ? 0.35 : 1);
}

/**
 * The AI usage of the sample services over `days` days before `until` (hour by hour,
 * growing about 1 % a day, by weekday and hour of day). Deterministic for a seed and an
 * `until`.
 */
export function generateSampleUsage(options: {
  until: Date;
  days?: number;
  seed?: number;
}): UsageEvent[] {
  const rnd = random(options.seed ?? 13);
  const end = Math.floor(options.until.getTime() / HOUR) * HOUR;
  const days = options.days ?? 45;
  const start = end - days * DAY;
  const events: UsageEvent[] = [];
  for (let hour = start; hour < end; hour += HOUR) {
    const at = new Date(hour);
    const growth = 1 + (0.01 * (hour - start)) / DAY;
    for (const [s, stream] of STREAMS.entries()) {
      const expected = stream.perHour * load(at) * growth;
      // A whole number of calls whose mean is `expected`.
      const calls = Math.floor(expected) + (rnd() < expected % 1 ? 1 : 0);
      for (let c = 0; c < calls; c++) {
        events.push({
          ...withDefaults({
            id: '',
            timestamp: '',
            entityRef: stream.entityRef,
            ...stream.make(rnd),
          }),
          id: `sample-${s}-${hour / HOUR}-${c}`,
          timestamp: new Date(hour + Math.floor(rnd() * HOUR)).toISOString(),
          entityRef: stream.entityRef,
        });
      }
    }
  }
  return events;
}

/**
 * On a first start with no usage at all, records the sample history, priced and attributed
 * as ingestion would (once the catalog knows the sample services' owners), reported by
 * `sample:history`. Ids are fixed, so two replicas loading it at once record it once.
 */
export async function loadSampleUsage(options: {
  store: UsageStore;
  isEmpty: () => Promise<boolean>;
  ownerOf: (entityRef: string) => Promise<string | undefined>;
  prices: () => ReadonlyArray<Price>;
  logger: LoggerService;
  now?: () => Date;
  /** How long to wait for the catalog to know the sample services (default 5 min). */
  waitForCatalogMs?: number;
  pollMs?: number;
}): Promise<number> {
  if (!(await options.isEmpty())) return 0;
  const refs = [...new Set(STREAMS.map(s => s.entityRef))];
  const deadline = Date.now() + (options.waitForCatalogMs ?? 300_000);
  let owners = new Map<string, string | undefined>();
  for (;;) {
    // The catalog may not answer yet on a first start: ask again until the deadline.
    owners = new Map(
      await Promise.all(
        refs.map(
          async r =>
            [r, await options.ownerOf(r).catch(() => undefined)] as const,
        ),
      ),
    );
    if ([...owners.values()].every(Boolean) || Date.now() > deadline) break;
    await new Promise(r => setTimeout(r, options.pollMs ?? 5_000));
  }
  // Decided once, at the start: usage reported while the catalog was awaited (the
  // first requests of a fresh portal) does not cancel the history, and the history's
  // fixed ids keep a second replica's load from counting twice.
  const now = options.now?.() ?? new Date();
  const prices = options.prices();
  const recorded: RecordedEvent[] = generateSampleUsage({ until: now }).map(
    e => {
      const pricing = priceEvent(e, prices);
      return {
        ...e,
        team: owners.get(e.entityRef) ?? UNATTRIBUTED,
        costMicros: pricing.priced ? pricing.costMicros : null,
        priceId: pricing.priced ? pricing.priceId : null,
        reportedBy: SAMPLE_REPORTER,
      };
    },
  );
  let count = 0;
  for (let i = 0; i < recorded.length; i += 1000) {
    count += (await options.store.ingest(recorded.slice(i, i + 1000), now))
      .length;
  }
  options.logger.info(
    `AI costs: loaded the sample history (${count} calls of the sample services over 45 days, reported by ${SAMPLE_REPORTER})`,
  );
  return count;
}
