import { parseUsageBatch, usageEventSchema } from './events';

const NOW = new Date('2026-12-07T12:00:00Z');

const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'call-1',
  timestamp: '2026-12-07T11:59:00Z',
  entityRef: 'component:default/ai-recommendations',
  provider: 'openai',
  model: 'gpt-4o-mini',
  operation: 'chat',
  inputTokens: 1200,
  outputTokens: 300,
  cachedInputTokens: 200,
  latencyMs: 850,
  status: 'success',
  ...overrides,
});

describe('usageEventSchema', () => {
  it('fills what is optional', () => {
    const { operation: _o, ...minimal } = event();
    expect(usageEventSchema.parse(minimal)).toMatchObject({
      operation: 'chat',
      seconds: 0,
      cacheHit: false,
    });
  });
});

describe('parseUsageBatch', () => {
  it('takes a valid batch whole', () => {
    const out = parseUsageBatch(
      { events: [event(), event({ id: 'call-2', seconds: 1.5 })] },
      NOW,
    );
    expect('events' in out && out.events.map(e => e.id)).toEqual([
      'call-1',
      'call-2',
    ]);
  });

  it.each([
    [
      'NaN tokens',
      { inputTokens: Number.NaN },
      'inputTokens',
      /must be a number/,
    ],
    [
      'negative tokens',
      { outputTokens: -1 },
      'outputTokens',
      /must not be negative/,
    ],
    ['fractional tokens', { inputTokens: 1.5 }, 'inputTokens', /whole number/],
    ['infinite seconds', { seconds: Infinity }, 'seconds', /must be a number/],
    [
      'a string for a number',
      { latencyMs: '12' },
      'latencyMs',
      /must be a number/,
    ],
    ['an unknown field', { tenant: 'x' }, 'event', /^unknown field: tenant$/],
    [
      'a prompt',
      { prompt: 'secret question' },
      'prompt',
      /^prompt: prompt and completion text are not accepted/,
    ],
    ['messages', { messages: [{ role: 'user' }] }, 'messages', /not accepted/],
    [
      'more cached than input',
      { cachedInputTokens: 2000 },
      'cachedInputTokens',
      /must not exceed inputTokens/,
    ],
    [
      'a bad entity ref',
      { entityRef: 'ai-recommendations' },
      'entityRef',
      /full entity ref/,
    ],
    [
      'no zone',
      { timestamp: '2026-12-07T11:00:00' },
      'timestamp',
      /with a zone/,
    ],
    [
      'an old event',
      { timestamp: '2026-11-29T11:59:00Z' },
      'timestamp',
      /more than 7 days old/,
    ],
    [
      'a future event',
      { timestamp: '2026-12-07T13:00:00Z' },
      'timestamp',
      /in the future/,
    ],
    [
      'an unknown hardware',
      { hardware: 'tpu-v5' },
      'hardware',
      /hardware must be one of cpu/,
    ],
    ['an unknown status', { status: 'ok' }, 'status', /success or error/],
    [
      'no latency',
      { latencyMs: undefined },
      'latencyMs',
      /latencyMs is required/,
    ],
    ['a model with spaces', { model: 'gpt 4o' }, 'model', /letters, digits/],
  ])(
    'refuses %s, naming the field and quoting no value',
    (_c, change, field, message) => {
      const out = parseUsageBatch(
        { events: [event(), event({ id: 'x', ...change })] },
        NOW,
      );
      expect('problems' in out).toBe(true);
      if (!('problems' in out)) return;
      expect(out.problems[0]).toMatchObject({ index: 1, field });
      expect(out.problems[0].message).toMatch(message);
      expect(JSON.stringify(out)).not.toMatch(/secret question|tpu-v5|gpt 4o/);
    },
  );

  it.each([
    ['no events', { events: [] }, /at least one event/],
    [
      '1,001 events',
      {
        events: Array.from({ length: 1001 }, (_, i) => event({ id: `c${i}` })),
      },
      /at most 1000 events/,
    ],
    [
      'another top-level field',
      { events: [event()], debug: true },
      /holds only "events"/,
    ],
    ['not an array', { events: 'x' }, /events must be an array/],
    ['no body', undefined, /./],
  ])('refuses a batch with %s', (_c, body, message) => {
    const out = parseUsageBatch(body, NOW);
    expect('problems' in out && out.problems[0].message).toMatch(message);
  });

  it('refuses an id twice in one batch', () => {
    const out = parseUsageBatch({ events: [event(), event()] }, NOW);
    expect('problems' in out && out.problems).toEqual([
      { index: 1, field: 'id', message: 'id appears twice in the batch' },
    ]);
  });

  it('accepts an event 6 days late', () => {
    const out = parseUsageBatch(
      { events: [event({ timestamp: '2026-12-01T12:00:01Z' })] },
      NOW,
    );
    expect('events' in out).toBe(true);
  });
});
