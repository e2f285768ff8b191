import type { Config } from '@backstage/config';
import {
  budgetSchema,
  DEFAULT_PRICE_BOOK,
  layerPriceBooks,
  pricesFromSeedProviders,
  validatePriceBook,
  type Budget,
  type Price,
  type SeedProviderConfig,
} from '@internal/plugin-ibias-ai-costs-common';
import {
  readAiAlertSettings,
  type AiAlertSettings,
} from './alerts/alertSettings';
import {
  DEFAULT_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
} from './service/retention';

export interface AiCostsSettings {
  prices: Price[];
  budgets: Budget[];
  ingest: { perSecond: number; burst: number; maxEventsPerDay: number };
  /** Minutes between budget checks (default 5). */
  budgetCheckMinutes: number;
  /** Who hears of provider and model budgets: ibias.permissions.aiCostsReaders. */
  readers: string[];
  /** ibias.aiCosts.alerts: the rules, their windows and cooldowns, how often they run. */
  alerts: AiAlertSettings;
  /** Days raw events are kept (rollups are kept for good); default 90. */
  retentionDays: number;
  /** Load the sample services' AI usage history on a first start with none. */
  sampleEnabled: boolean;
}

/**
 * ibias.aiCosts: the price book (the public list prices, then `prices` entries, then the
 * seed's `providers` block as it is), budgets, and the ingest rate per caller. Anything
 * invalid stops the backend with the key named.
 */
export function readAiCostsSettings(config: Config): AiCostsSettings {
  const root = 'ibias.aiCosts';
  const useDefaults =
    config.getOptionalBoolean(`${root}.defaultPrices`) ?? true;
  const own = config.getOptional<unknown[]>(`${root}.prices`) ?? [];
  const seed =
    config.getOptional<SeedProviderConfig[]>(`${root}.providers`) ?? [];
  const ownPrices = validatePriceBook(own, `${root}.prices`);
  const prices = validatePriceBook(
    layerPriceBooks(
      useDefaults ? DEFAULT_PRICE_BOOK : [],
      ownPrices,
      pricesFromSeedProviders(seed),
    ),
    `${root} (the price book)`,
  );
  const budgets = (config.getOptional<unknown[]>(`${root}.budgets`) ?? []).map(
    (raw, i) => {
      const parsed = budgetSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(
          `Invalid ${root}.budgets[${i}]${
            issue.path.length ? `.${issue.path.join('.')}` : ''
          }: ${issue.message}`,
        );
      }
      return parsed.data;
    },
  );
  const perSecond =
    config.getOptionalNumber(`${root}.ingest.batchesPerSecond`) ?? 10;
  const burst = config.getOptionalNumber(`${root}.ingest.burst`) ?? 50;
  const maxEventsPerDay =
    config.getOptionalNumber(`${root}.ingest.maxEventsPerDay`) ?? 1_000_000;
  if (!Number.isInteger(maxEventsPerDay) || maxEventsPerDay < 1) {
    throw new Error(
      `Invalid ${root}.ingest.maxEventsPerDay: must be a whole number, at least 1`,
    );
  }
  if (!(perSecond > 0) || !(burst >= 1)) {
    throw new Error(
      `Invalid ${root}.ingest: batchesPerSecond must be more than 0 and burst at least 1`,
    );
  }
  const budgetCheckMinutes =
    config.getOptionalNumber(`${root}.budgetCheckMinutes`) ?? 5;
  if (!(budgetCheckMinutes > 0)) {
    throw new Error(`Invalid ${root}.budgetCheckMinutes: must be more than 0`);
  }
  const retentionDays =
    config.getOptionalNumber(`${root}.retentionDays`) ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS) {
    throw new Error(
      `Invalid ${root}.retentionDays: must be a whole number of days, at least ${MIN_RETENTION_DAYS} (events are taken up to ${
        MIN_RETENTION_DAYS - 1
      } days late, and a replay is recognised by the raw event's id)`,
    );
  }
  const readers = config.getOptionalStringArray(
    'ibias.permissions.aiCostsReaders',
  ) ?? ['group:default/executives'];
  return {
    prices,
    budgets,
    ingest: { perSecond, burst, maxEventsPerDay },
    budgetCheckMinutes,
    readers,
    alerts: readAiAlertSettings(config),
    retentionDays,
    sampleEnabled: config.getOptionalBoolean(`${root}.sample.enabled`) ?? false,
  };
}
