import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  aiCostsRepricePermission,
  priceEvent,
  type Price,
} from '@internal/plugin-ibias-ai-costs-common';
import type { Request } from 'express';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';
import { retentionCutoff } from './retention';

export interface RepriceRequest {
  from: Date;
  to: Date;
  model?: string;
}

/**
 * Re-prices recorded usage on request: the raw events of a range priced again with the
 * current price books (a price change covers only its dates, so only what they cover
 * changes), their rollups adjusted in the same transaction. Only ibias.aiCosts.reprice
 * may; every attempt is audited. Events older than the retention are gone, so a range
 * reaching before it is refused rather than half done.
 */
/** The longest range one re-pricing request covers (it runs as one transaction). */
export const MAX_REPRICE_DAYS = 31;
/** And the most raw events it reads (the transaction holds ingest back while it runs). */
export const MAX_REPRICE_EVENTS = 200_000;

export class RepriceService {
  constructor(
    private readonly options: {
      ledger: UsageLedgerStore;
      prices: () => ReadonlyArray<Price>;
      permissions: PermissionsService;
      auditor: AuditorService;
      retentionDays: number;
      now?: () => Date;
    },
  ) {}

  async reprice(
    input: RepriceRequest,
    credentials: BackstageCredentials,
    request?: Request,
  ) {
    for (const [name, date] of Object.entries({
      from: input.from,
      to: input.to,
    })) {
      // The date-time format lets a leap second (:60) through; no clock has it.
      if (Number.isNaN(date.getTime())) {
        throw new InputError(
          `request/body/${name} is not an instant (a leap second, :60, is not accepted)`,
        );
      }
    }
    const meta = {
      from: input.from.toISOString(),
      to: input.to.toISOString(),
      ...(input.model ? { model: input.model } : {}),
    };
    const event = await this.options.auditor.createEvent({
      eventId: 'ai-costs-reprice',
      severityLevel: 'medium',
      request,
      meta,
    });
    try {
      const [decision] = await this.options.permissions.authorize(
        [{ permission: aiCostsRepricePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          'Re-pricing AI usage needs ibias.aiCosts.reprice (by default, the readers of every team’s spend)',
        );
      }
      const from = input.from.getTime();
      const to = input.to.getTime();
      if (!(from < to)) throw new InputError('from must be before to');
      // One transaction per request: a bounded one, so ingest is not held up long.
      if (to - from > MAX_REPRICE_DAYS * 86_400_000) {
        throw new InputError(
          `Re-price at most ${MAX_REPRICE_DAYS} days a request (one transaction each); split the range`,
        );
      }
      const now = this.options.now?.() ?? new Date();
      const cutoff = retentionCutoff(now, this.options.retentionDays);
      if (from < cutoff) {
        throw new InputError(
          `Raw events are kept for ${
            this.options.retentionDays
          } days (ibias.aiCosts.retentionDays): those before ${new Date(
            cutoff,
          ).toISOString()} are deleted and cannot be re-priced; start the range at or after that date`,
        );
      }
      const events = await this.options.ledger.countEvents({
        from,
        to,
        model: input.model,
      });
      if (events > MAX_REPRICE_EVENTS) {
        throw new InputError(
          `The range holds ${events} events; re-price at most ${MAX_REPRICE_EVENTS} a request (one transaction each): split the range or name a model`,
        );
      }
      const prices = this.options.prices();
      const counts = await this.options.ledger.reprice(
        { from, to, model: input.model },
        e => {
          const p = priceEvent(e, prices);
          return p.priced
            ? { costMicros: p.costMicros, priceId: p.priceId }
            : { costMicros: null, priceId: null };
        },
      );
      const result = {
        ...meta,
        ...counts,
        deltaMicros: counts.costAfterMicros - counts.costBeforeMicros,
      };
      await event.success({
        meta: {
          ...meta,
          repriced: counts.repriced,
          deltaMicros: result.deltaMicros,
        },
      });
      return result;
    } catch (error) {
      await event.fail({
        error: error instanceof Error ? error : new Error(String(error)),
        meta,
      });
      throw error;
    }
  }
}
