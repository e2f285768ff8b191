import {
  DEFAULT_PRICE_BOOK,
  layerPriceBooks,
  priceEvent,
  pricesFromSeedProviders,
  validatePriceBook,
  type Price,
} from './pricing';

const call = (overrides: Record<string, unknown> = {}) => ({
  timestamp: '2026-12-07T12:00:00Z',
  provider: 'openai',
  model: 'gpt-4o',
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  seconds: 0,
  hardware: undefined,
  cacheHit: false,
  ...overrides,
});

describe('priceEvent with the default price book', () => {
  it.each([
    // 1M input at $2.50 + 1M output at $10.00
    [
      'gpt-4o, 1M in and out',
      { inputTokens: 1_000_000, outputTokens: 1_000_000 },
      12_500_000,
      'openai/gpt-4o@2024-10-02',
    ],
    // 800 fresh × 2.5 + 200 cached × 1.25 + 300 out × 10 = 2000 + 250 + 3000
    [
      'gpt-4o with cached input',
      { inputTokens: 1000, cachedInputTokens: 200, outputTokens: 300 },
      5250,
      'openai/gpt-4o@2024-10-02',
    ],
    // 1200 × 0.15 + 300 × 0.6 = 180 + 180
    [
      'gpt-4o-mini',
      { model: 'gpt-4o-mini', inputTokens: 1200, outputTokens: 300 },
      360,
      'openai/gpt-4o-mini@2024-07-18',
    ],
    // A dated snapshot matches the pattern, the mini pattern before the 4o one.
    [
      'a gpt-4o-mini snapshot',
      { model: 'gpt-4o-mini-2024-07-18', inputTokens: 1000 },
      150,
      'openai/gpt-4o-mini-20x@2024-07-18',
    ],
    [
      'a gpt-4o snapshot',
      { model: 'gpt-4o-2024-08-06', inputTokens: 1000 },
      2500,
      'openai/gpt-4o-20x@2024-10-02',
    ],
    // 12.5 s on an A40 (large) at $0.000725/s = $0.0090625 → 9063 µ$ (rounded)
    [
      'Replicate by hardware',
      {
        provider: 'replicate',
        model: 'mistral-7b',
        seconds: 12.5,
        hardware: 'gpu-a40-large',
      },
      9063,
      'replicate/gpu-a40-large@2024-01-01',
    ],
    [
      'a provider in another case',
      { provider: 'OpenAI', inputTokens: 1000 },
      2500,
      'openai/gpt-4o@2024-10-02',
    ],
    ['a cache hit', { cacheHit: true, inputTokens: 1000 }, 0, 'cache-hit'],
  ])('%s', (_c, change, micros, priceId) => {
    expect(priceEvent(call(change), DEFAULT_PRICE_BOOK)).toEqual({
      priced: true,
      costMicros: micros,
      priceId,
    });
  });

  it.each([
    [
      'an unknown model',
      { model: 'gpt-5-turbo' },
      'no price for openai gpt-5-turbo',
    ],
    [
      'Replicate without hardware',
      { provider: 'replicate', model: 'mistral-7b', seconds: 3 },
      'no price for replicate mistral-7b without a hardware tier (its prices are per tier)',
    ],
    [
      'a call before the price existed',
      { model: 'gpt-4o-mini', timestamp: '2024-07-01T00:00:00Z' },
      'no price for openai gpt-4o-mini in force at 2024-07-01T00:00:00Z',
    ],
  ])('leaves %s unpriced, never $0', (_c, change, reason) => {
    expect(priceEvent(call(change), DEFAULT_PRICE_BOOK)).toEqual({
      priced: false,
      reason,
    });
  });
});

describe('effective dates', () => {
  const book: Price[] = [
    {
      id: 'old',
      provider: 'openai',
      model: 'gpt-4o',
      effectiveFrom: '2024-05-13',
      effectiveTo: '2024-10-02',
      per: 'token',
      inputPerMillion: 5,
      outputPerMillion: 15,
    },
    {
      id: 'new',
      provider: 'openai',
      model: 'gpt-4o',
      effectiveFrom: '2024-10-02',
      per: 'token',
      inputPerMillion: 2.5,
      outputPerMillion: 10,
    },
  ];
  it.each([
    [
      '2024-10-01T23:59:59Z',
      { priced: true, costMicros: 5000, priceId: 'old' },
    ],
    [
      '2024-10-02T00:00:00Z',
      { priced: true, costMicros: 2500, priceId: 'new' },
    ],
    ['2024-05-12T23:59:59Z', expect.objectContaining({ priced: false })],
  ])(
    'prices a call at %s with the price then in force',
    (timestamp, expected) => {
      expect(priceEvent(call({ timestamp, inputTokens: 1000 }), book)).toEqual(
        expected,
      );
    },
  );
  it('the cached rate defaults to the input rate', () => {
    expect(
      priceEvent(
        call({
          timestamp: '2024-11-01T00:00:00Z',
          inputTokens: 1000,
          cachedInputTokens: 1000,
        }),
        book,
      ),
    ).toMatchObject({ costMicros: 2500 });
  });
});

describe("the seed's aiConfig provider block, as it is", () => {
  const seed = pricesFromSeedProviders([
    {
      name: 'openai',
      models: {
        'gpt-4o': {
          maxTokens: 128000,
          costPerToken: 0.00003,
          useCase: 'complex-analysis',
        },
      },
    },
    {
      name: 'replicate',
      models: {
        'mistral-7b': { useCase: 'forecasting', costPerSecond: 0.0023 },
      },
    },
  ]);
  it('prices every token at costPerToken and every second at costPerSecond', () => {
    // 1500 tokens × $0.00003 = $0.045
    expect(
      priceEvent(call({ inputTokens: 1000, outputTokens: 500 }), seed),
    ).toMatchObject({ costMicros: 45_000 });
    // 10 s × $0.0023 = $0.023, whatever the hardware
    expect(
      priceEvent(
        call({
          provider: 'replicate',
          model: 'mistral-7b',
          seconds: 10,
          hardware: 'gpu-t4',
        }),
        seed,
      ),
    ).toMatchObject({ costMicros: 23_000 });
  });
  it("a model's own per-second price beats its hardware tier's", () => {
    const out = priceEvent(
      call({
        provider: 'replicate',
        model: 'mistral-7b',
        seconds: 10,
        hardware: 'gpu-a40-large',
      }),
      [...DEFAULT_PRICE_BOOK, ...seed],
    );
    expect(out).toMatchObject({
      costMicros: 23_000,
      priceId: 'seed/replicate/mistral-7b/second',
    });
  });
});

describe('layerPriceBooks', () => {
  it("replaces a lower layer's price for the same model, keeps the rest", () => {
    const seed = pricesFromSeedProviders([
      { name: 'openai', models: { 'gpt-4o': { costPerToken: 0.00003 } } },
    ]);
    const book = layerPriceBooks(DEFAULT_PRICE_BOOK, seed);
    expect(book.filter(p => p.model === 'gpt-4o').map(p => p.id)).toEqual([
      'seed/openai/gpt-4o',
    ]);
    expect(book).toHaveLength(DEFAULT_PRICE_BOOK.length);
    expect(() => validatePriceBook(book, 'x')).not.toThrow();
  });
});

describe('validatePriceBook', () => {
  it('accepts the default book', () => {
    expect(validatePriceBook(DEFAULT_PRICE_BOOK, 'defaults')).toHaveLength(
      DEFAULT_PRICE_BOOK.length,
    );
  });
  it.each([
    [
      [
        {
          id: 'a',
          provider: 'openai',
          model: 'x',
          effectiveFrom: 'soon',
          per: 'token',
          inputPerMillion: 1,
          outputPerMillion: 1,
        },
      ],
      /\[0\]\.effectiveFrom: must be a date/,
    ],
    [
      [
        {
          id: 'a',
          provider: 'openai',
          model: 'x',
          effectiveFrom: '2025-01-01',
          per: 'token',
          inputPerMillion: -1,
          outputPerMillion: 1,
        },
      ],
      /inputPerMillion: must not be negative/,
    ],
    [
      [
        {
          id: 'a',
          provider: 'openai',
          model: 'x',
          effectiveFrom: '2025-01-01',
          per: 'token',
          inputPerMillion: 1,
          outputPerMillion: 1,
          discount: 2,
        },
      ],
      /\[0\]/,
    ],
    [
      [
        {
          id: 'a',
          provider: 'openai',
          model: 'x',
          effectiveFrom: '2025-02-01',
          effectiveTo: '2025-01-01',
          per: 'token',
          inputPerMillion: 1,
          outputPerMillion: 1,
        },
      ],
      /effectiveTo must be after effectiveFrom/,
    ],
    [
      [
        {
          id: 'a',
          provider: 'openai',
          model: 'x',
          effectiveFrom: '2025-01-01',
          per: 'token',
          inputPerMillion: 1,
          outputPerMillion: 1,
        },
        {
          id: 'b',
          provider: 'OpenAI',
          model: 'x',
          effectiveFrom: '2025-06-01',
          per: 'token',
          inputPerMillion: 2,
          outputPerMillion: 2,
        },
      ],
      /a and b price openai x over the same dates/,
    ],
    [
      [
        {
          id: 'a',
          provider: 'openai',
          model: 'x',
          effectiveFrom: '2025-01-01',
          per: 'token',
          inputPerMillion: 1,
          outputPerMillion: 1,
        },
        {
          id: 'a',
          provider: 'openai',
          model: 'y',
          effectiveFrom: '2025-01-01',
          per: 'token',
          inputPerMillion: 1,
          outputPerMillion: 1,
        },
      ],
      /the id a is used twice/,
    ],
  ])('refuses %j', (entries, message) => {
    expect(() => validatePriceBook(entries, 'ibias.aiCosts.prices')).toThrow(
      message,
    );
  });
  it('accepts a price that takes over where another ends', () => {
    expect(() =>
      validatePriceBook(
        [
          {
            id: 'a',
            provider: 'openai',
            model: 'x',
            effectiveFrom: '2025-01-01',
            effectiveTo: '2025-06-01',
            per: 'token',
            inputPerMillion: 1,
            outputPerMillion: 1,
          },
          {
            id: 'b',
            provider: 'openai',
            model: 'x',
            effectiveFrom: '2025-06-01',
            per: 'token',
            inputPerMillion: 2,
            outputPerMillion: 2,
          },
        ],
        'x',
      ),
    ).not.toThrow();
  });
});
