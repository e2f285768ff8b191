import { parseEntityRef } from '@backstage/catalog-model';
import type { RollupLine } from '../database/UsageLedgerStore';
import { microsToDollars, type CsvValue } from './csv';

const DAY = 86_400_000;

/**
 * The columns of the FinOps FOCUS 1.x cost and usage dataset this export fills (FOCUS
 * 1.2's mandatory columns with the resource, sub-account, quantity and tag columns),
 * then the IBIAS figures as custom x_ columns, as the specification has them.
 */
export const FOCUS_COLUMNS = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ServiceCategory',
  'ServiceName',
  'SubAccountId',
  'SubAccountName',
  'Tags',
  'x_Calls',
  'x_Errors',
  'x_UnpricedCalls',
  'x_InputTokens',
  'x_OutputTokens',
  'x_CachedInputTokens',
  'x_Seconds',
] as const;

export type FocusColumn = (typeof FOCUS_COLUMNS)[number];

/** FOCUS date-times: UTC, to the second, with a Z. */
const instant = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function nameOf(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

function kindOf(ref: string): string | null {
  try {
    const kind = parseEntityRef(ref).kind;
    return kind.charAt(0).toLocaleUpperCase('en-US') + kind.slice(1);
  } catch {
    return null;
  }
}

/**
 * One daily rollup line as a FOCUS row. Cost is what the calls were priced at (list
 * prices, so billed, effective, list and contracted cost agree); a time-priced line
 * consumes Seconds, any other Tokens (input and output). Unpriced calls add nothing to
 * the cost: they are counted in x_UnpricedCalls and said in ChargeDescription.
 */
export function focusRow(line: RollupLine): Record<FocusColumn, CsvValue> {
  const dayStart = new Date(line.day);
  const billingStart = Date.UTC(
    dayStart.getUTCFullYear(),
    dayStart.getUTCMonth(),
    1,
  );
  const billingEnd = Date.UTC(
    dayStart.getUTCFullYear(),
    dayStart.getUTCMonth() + 1,
    1,
  );
  const bySeconds = line.seconds > 0;
  const quantity = bySeconds
    ? line.seconds
    : line.inputTokens + line.outputTokens;
  const unit = bySeconds ? 'Seconds' : 'Tokens';
  const cost = microsToDollars(line.costMicros);
  const service = nameOf(line.entityRef);
  const unattributed = line.team === 'unattributed';
  return {
    BilledCost: cost,
    BillingAccountId: line.provider,
    BillingAccountName: line.provider,
    BillingCurrency: 'USD',
    BillingPeriodEnd: instant(billingEnd),
    BillingPeriodStart: instant(billingStart),
    ChargeCategory: 'Usage',
    ChargeClass: null,
    ChargeDescription: `${line.calls} ${line.model} call${
      line.calls === 1 ? '' : 's'
    } by ${service}${
      line.unpricedCalls > 0
        ? `; ${line.unpricedCalls} unpriced (no price covers them; not in the cost)`
        : ''
    }`,
    ChargeFrequency: 'Usage-Based',
    ChargePeriodEnd: instant(line.day + DAY),
    ChargePeriodStart: instant(line.day),
    ConsumedQuantity: quantity,
    ConsumedUnit: unit,
    ContractedCost: cost,
    EffectiveCost: cost,
    InvoiceIssuerName: line.provider,
    ListCost: cost,
    PricingQuantity: quantity,
    PricingUnit: unit,
    ProviderName: line.provider,
    PublisherName: line.provider,
    ResourceId: line.entityRef,
    ResourceName: service,
    ResourceType: kindOf(line.entityRef),
    ServiceCategory: 'AI and Machine Learning',
    ServiceName: line.model,
    SubAccountId: line.team,
    SubAccountName: unattributed ? 'unattributed' : nameOf(line.team),
    Tags: JSON.stringify({ team: line.team, service: line.entityRef }),
    x_Calls: line.calls,
    x_Errors: line.errors,
    x_UnpricedCalls: line.unpricedCalls,
    x_InputTokens: line.inputTokens,
    x_OutputTokens: line.outputTokens,
    x_CachedInputTokens: line.cachedInputTokens,
    x_Seconds: line.seconds,
  };
}
