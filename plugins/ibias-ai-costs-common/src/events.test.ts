import {
  checkUsageEvents,
  describeEventProblems,
  withDefaults,
  type UsageEventInput,
} from './events';

const NOW = new Date('2026-12-07T12:00:00Z');

const event = (overrides: Partial<UsageEventInput> = {}) =>
  withDefaults({
    id: 'call-1',
    timestamp: '2026-12-07T11:59:00Z',
    entityRef: 'component:default/ai-recommendations',
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputTokens: 1200,
    outputTokens: 300,
    cachedInputTokens: 200,
    latencyMs: 850,
    status: 'success',
    ...overrides,
  });

describe('withDefaults', () => {
  it('fills what the document defaults', () => {
    expect(
      withDefaults({
        id: 'x',
        timestamp: '2026-12-07T11:59:00Z',
        entityRef: 'component:default/a',
        provider: 'replicate',
        model: 'prophet',
        latencyMs: 1,
        status: 'error',
      }),
    ).toMatchObject({
      operation: 'chat',
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      seconds: 0,
      cacheHit: false,
    });
  });
});

describe('checkUsageEvents', () => {
  it('finds nothing wrong with a valid batch', () => {
    expect(checkUsageEvents([event(), event({ id: 'call-2' })], NOW)).toEqual(
      [],
    );
  });

  it.each([
    [
      { cachedInputTokens: 2000 },
      'cachedInputTokens',
      'must not exceed inputTokens',
    ],
    [
      { timestamp: '2026-11-30T11:59:59Z' },
      'timestamp',
      'is more than 7 days old: late events are accepted for 7 days',
    ],
    [{ timestamp: '2026-12-07T12:05:01Z' }, 'timestamp', 'is in the future'],
    [
      { timestamp: '2026-12-06T23:59:60Z' },
      'timestamp',
      'is not an instant (a leap second, :60, is not accepted)',
    ],
    [{ id: 'call-1' }, 'id', 'appears twice in the batch'],
  ] as const)('refuses %j', (change, field, message) => {
    expect(
      checkUsageEvents([event(), event({ id: 'other', ...change })], NOW),
    ).toEqual([{ index: 1, field, message }]);
  });

  it.each([
    ['6 days and 23 hours late', '2026-11-30T13:00:00Z'],
    ['5 minutes ahead (clock skew)', '2026-12-07T12:05:00Z'],
  ])('accepts an event %s', (_c, timestamp) => {
    expect(checkUsageEvents([event({ timestamp })], NOW)).toEqual([]);
  });
});

describe('describeEventProblems', () => {
  it('names where each problem is, ten at most', () => {
    const problems = Array.from({ length: 12 }, (_, index) => ({
      index,
      field: 'timestamp',
      message: 'is in the future',
    }));
    const text = describeEventProblems(problems);
    expect(text).toMatch(
      /^request\/body\/events\/0\/timestamp is in the future, /,
    );
    expect(text).toMatch(/\(and 2 more\)$/);
  });
});
