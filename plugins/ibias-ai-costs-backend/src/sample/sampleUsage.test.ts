import { mockServices } from '@backstage/backend-test-utils';
import {
  checkUsageEvents,
  DEFAULT_PRICE_BOOK,
  priceEvent,
} from '@internal/plugin-ibias-ai-costs-common';
import type { RecordedEvent, UsageStore } from '../database/UsageStore';
import {
  generateSampleUsage,
  loadSampleUsage,
  SAMPLE_REPORTER,
} from './sampleUsage';

const until = new Date('2026-12-07T10:30:00Z');

describe('the sample AI usage history', () => {
  const events = generateSampleUsage({ until });

  it('is the same for the same seed and until, and different for another seed', () => {
    expect(generateSampleUsage({ until })).toEqual(events);
    expect(generateSampleUsage({ until, seed: 7 })).not.toEqual(events);
  });

  it('covers 45 days of whole hours before until, each id once, every event valid and priced', () => {
    const times = events.map(e => Date.parse(e.timestamp));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(
      Date.parse('2026-10-23T10:00:00Z'),
    );
    expect(Math.max(...times)).toBeLessThan(Date.parse('2026-12-07T10:00:00Z'));
    expect(new Set(events.map(e => e.id)).size).toBe(events.length);
    // The schema's rules except lateness (the history is older than 7 days on purpose).
    const problems = checkUsageEvents(events, until).filter(
      p => !/late/.test(p.message),
    );
    expect(problems).toEqual([]);
    expect(
      events.filter(e => !priceEvent(e, DEFAULT_PRICE_BOOK).priced),
    ).toEqual([]);
  });

  it('spends like a small AI team: ai-recommendations about $1–3 a weekday, less on weekends', () => {
    const perDay = new Map<string, number>();
    for (const e of events) {
      if (e.entityRef !== 'component:default/ai-recommendations') continue;
      const day = e.timestamp.slice(0, 10);
      const p = priceEvent(e, DEFAULT_PRICE_BOOK);
      perDay.set(day, (perDay.get(day) ?? 0) + (p.priced ? p.costMicros : 0));
    }
    const weekday = perDay.get('2026-12-02')! / 1e6; // a Wednesday
    const weekend = perDay.get('2026-11-29')! / 1e6; // a Sunday
    expect(weekday).toBeGreaterThan(1);
    expect(weekday).toBeLessThan(3);
    expect(weekend).toBeLessThan(weekday / 2);
  });

  it('loads once, attributed to the catalog owners, as sample:history; not when usage exists', async () => {
    const stored: RecordedEvent[] = [];
    const store = {
      ingest: async (batch: RecordedEvent[]) => {
        stored.push(...batch);
        return batch;
      },
    } as unknown as UsageStore;
    let ownerCalls = 0;
    const loaded = await loadSampleUsage({
      store,
      isEmpty: async () => stored.length === 0,
      // The catalog does not answer, then does not know the services, at first; a
      // service reports meanwhile (which does not cancel the history).
      ownerOf: async ref => {
        ownerCalls += 1;
        if (ownerCalls === 2) {
          stored.push({ id: 'real-1', reportedBy: 'external:x' } as any);
        }
        if (ownerCalls === 1) throw new Error('ECONNREFUSED');
        if (ownerCalls <= 3) return undefined;
        return ref.endsWith('ibias-api')
          ? 'group:default/web-team'
          : 'group:default/ai-team';
      },
      prices: () => DEFAULT_PRICE_BOOK,
      logger: mockServices.logger.mock(),
      now: () => until,
      pollMs: 1,
    });
    const sample = stored.filter(e => e.reportedBy === SAMPLE_REPORTER);
    expect(loaded).toBe(sample.length);
    expect(stored.length).toBe(sample.length + 1);
    expect(sample.length).toBeGreaterThan(10_000);
    expect(new Set(sample.map(e => e.team))).toEqual(
      new Set(['group:default/ai-team', 'group:default/web-team']),
    );
    expect(sample.every(e => e.costMicros !== null && e.priceId)).toBe(true);
    const again = await loadSampleUsage({
      store,
      isEmpty: async () => stored.length === 0,
      ownerOf: async () => 'group:default/x',
      prices: () => DEFAULT_PRICE_BOOK,
      logger: mockServices.logger.mock(),
    });
    expect(again).toBe(0);
  });
});
