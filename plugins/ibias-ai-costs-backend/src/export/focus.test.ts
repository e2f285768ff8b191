import type { RollupLine } from '../database/UsageLedgerStore';
import { FOCUS_COLUMNS, focusRow } from './focus';

const line = (o: Partial<RollupLine> = {}): RollupLine => ({
  day: Date.parse('2026-12-31T00:00:00Z'),
  team: 'group:default/ai-team',
  entityRef: 'component:default/ai-recommendations',
  provider: 'openai',
  model: 'gpt-4o-mini',
  calls: 10,
  errors: 1,
  unpricedCalls: 0,
  costMicros: 2100,
  inputTokens: 10_000,
  outputTokens: 1_000,
  cachedInputTokens: 500,
  seconds: 0,
  ...o,
});

describe('focusRow', () => {
  it('fills every column it declares, and the x_ ones last', () => {
    const row = focusRow(line());
    expect(Object.keys(row).sort()).toEqual([...FOCUS_COLUMNS].sort());
    const custom = FOCUS_COLUMNS.filter(c => c.startsWith('x_'));
    expect(FOCUS_COLUMNS.slice(-custom.length)).toEqual(custom);
  });

  it('a token-priced line: the day as the charge period, the month as the billing period', () => {
    expect(focusRow(line())).toMatchObject({
      BilledCost: '0.002100',
      EffectiveCost: '0.002100',
      ListCost: '0.002100',
      BillingCurrency: 'USD',
      ChargeCategory: 'Usage',
      ChargeClass: null,
      ChargeFrequency: 'Usage-Based',
      ChargePeriodStart: '2026-12-31T00:00:00Z',
      ChargePeriodEnd: '2027-01-01T00:00:00Z',
      BillingPeriodStart: '2026-12-01T00:00:00Z',
      BillingPeriodEnd: '2027-01-01T00:00:00Z',
      ConsumedQuantity: 11_000,
      ConsumedUnit: 'Tokens',
      ProviderName: 'openai',
      ServiceName: 'gpt-4o-mini',
      ServiceCategory: 'AI and Machine Learning',
      ResourceId: 'component:default/ai-recommendations',
      ResourceName: 'ai-recommendations',
      ResourceType: 'Component',
      SubAccountId: 'group:default/ai-team',
      SubAccountName: 'ai-team',
      Tags: '{"team":"group:default/ai-team","service":"component:default/ai-recommendations"}',
      ChargeDescription: '10 gpt-4o-mini calls by ai-recommendations',
      x_Calls: 10,
      x_Errors: 1,
    });
  });

  it('a time-priced line consumes seconds; unpriced calls are said, not costed', () => {
    expect(
      focusRow(
        line({
          provider: 'replicate',
          model: 'mistral-7b',
          seconds: 12.5,
          calls: 1,
          unpricedCalls: 1,
          costMicros: 0,
          team: 'unattributed',
        }),
      ),
    ).toMatchObject({
      BilledCost: '0.000000',
      ConsumedQuantity: 12.5,
      ConsumedUnit: 'Seconds',
      PricingUnit: 'Seconds',
      SubAccountName: 'unattributed',
      ChargeDescription:
        '1 mistral-7b call by ai-recommendations; 1 unpriced (no price covers them; not in the cost)',
      x_UnpricedCalls: 1,
    });
  });
});
