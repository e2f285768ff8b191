import { usageEventsFromOtlp } from './otlp';

const kv = (key: string, value: object): { key: string; value: object } => ({
  key,
  value,
});
const T = 1_796_000_000_000n; // ms
const ns = (ms: bigint) => String(ms * 1_000_000n);

function exportOf(
  spans: object[],
  resource: object[] = [
    kv('service.name', { stringValue: 'ai-recommendations' }),
  ],
) {
  return {
    resourceSpans: [
      {
        resource: { attributes: resource },
        scopeSpans: [{ scope: { name: 'openai' }, spans }],
      },
    ],
  };
}

const genAiSpan = (
  over: Record<string, unknown> = {},
  attrs: Array<{ key: string; value: object }> = [],
) => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: 'eee19b7ec3c1b174',
  name: 'chat gpt-4o-mini',
  startTimeUnixNano: ns(T),
  endTimeUnixNano: ns(T + 850n),
  attributes: [
    kv('gen_ai.operation.name', { stringValue: 'chat' }),
    kv('gen_ai.provider.name', { stringValue: 'openai' }),
    kv('gen_ai.request.model', { stringValue: 'gpt-4o-mini' }),
    kv('gen_ai.usage.input_tokens', { intValue: '1200' }),
    kv('gen_ai.usage.output_tokens', { intValue: 300 }),
    kv('gen_ai.usage.cache_read.input_tokens', { intValue: '200' }),
    kv('gen_ai.input.messages', {
      stringValue: 'a prompt that must never be read',
    }),
    ...attrs,
  ],
  status: {},
  ...over,
});

describe('usageEventsFromOtlp', () => {
  it('takes a GenAI span as one call: tokens, latency, id, entity, never the messages', () => {
    const out = usageEventsFromOtlp(exportOf([genAiSpan()]));
    expect(out).toEqual({
      events: [
        {
          id: 'otel-5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174',
          timestamp: new Date(Number(T + 850n)).toISOString(),
          entityRef: 'component:default/ai-recommendations',
          provider: 'openai',
          model: 'gpt-4o-mini',
          operation: 'chat',
          inputTokens: 1200,
          outputTokens: 300,
          cachedInputTokens: 200,
          latencyMs: 850,
          status: 'success',
        },
      ],
      rejected: [],
      ignored: 0,
    });
    expect(JSON.stringify(out)).not.toMatch(/must never be read/);
  });

  it.each([
    [
      'error.type',
      genAiSpan({}, [kv('error.type', { stringValue: 'timeout' })]),
    ],
    ['status code 2', genAiSpan({ status: { code: 2 } })],
  ])('marks a failed call by %s', (_c, span) => {
    expect(usageEventsFromOtlp(exportOf([span])).events[0].status).toBe(
      'error',
    );
  });

  it('reads the older gen_ai.system, and backstage.entity_ref before service.name', () => {
    const span = genAiSpan();
    span.attributes = span.attributes.map(a =>
      a.key === 'gen_ai.provider.name'
        ? kv('gen_ai.system', { stringValue: 'openai' })
        : a,
    );
    const out = usageEventsFromOtlp(
      exportOf(
        [span],
        [
          kv('service.name', { stringValue: 'x' }),
          kv('backstage.entity_ref', {
            stringValue: 'component:payments/ai-scorer',
          }),
        ],
      ),
    );
    expect(out.events[0]).toMatchObject({
      provider: 'openai',
      entityRef: 'component:payments/ai-scorer',
    });
  });

  it('ignores spans that are not GenAI calls', () => {
    const http = {
      traceId: 'ab',
      spanId: 'cd',
      name: 'GET /health',
      startTimeUnixNano: ns(T),
      endTimeUnixNano: ns(T + 1n),
      attributes: [kv('http.route', { stringValue: '/health' })],
    };
    expect(usageEventsFromOtlp(exportOf([http, genAiSpan()]))).toMatchObject({
      ignored: 1,
      rejected: [],
    });
  });

  it.each([
    ['no entity', exportOf([genAiSpan()], []), /entity_ref nor service.name/],
    [
      'no model',
      exportOf([
        {
          ...genAiSpan(),
          attributes: [kv('gen_ai.provider.name', { stringValue: 'openai' })],
        },
      ]),
      /needs gen_ai.provider.name and gen_ai.request.model/,
    ],
    [
      'an end before the start',
      exportOf([genAiSpan({ endTimeUnixNano: ns(T - 1n) })]),
      /end after the start/,
    ],
    [
      'an end no clock reaches',
      exportOf([
        genAiSpan({ endTimeUnixNano: '99999999999999999999999999999' }),
      ]),
      /end after the start/,
    ],
    [
      'a trace id that is not hex',
      exportOf([genAiSpan({ traceId: 'zz' })]),
      /must be hex/,
    ],
  ])('rejects a GenAI span with %s, saying why', (_c, body, reason) => {
    const out = usageEventsFromOtlp(body);
    expect(out.events).toEqual([]);
    expect(out.rejected[0].reason).toMatch(reason);
  });

  it.each([[undefined], [{}], [{ resourceSpans: 'x' }], [[1, 2]]])(
    'takes nothing from %j',
    body => {
      expect(usageEventsFromOtlp(body)).toEqual({
        events: [],
        rejected: [],
        ignored: 0,
      });
    },
  );
});
