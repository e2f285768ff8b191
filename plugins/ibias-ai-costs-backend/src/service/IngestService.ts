import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
  isError,
} from '@backstage/errors';
import {
  DatabaseUnavailableError,
  isTransientDatabaseError,
  retryWhileUnavailable,
} from '@internal/ibias-backend-resilience';
import {
  checkUsageEvents,
  describeEventProblems,
  priceEvent,
  withDefaults,
  type Price,
  type UsageEventInput,
} from '@internal/plugin-ibias-ai-costs-common';
import {
  UNATTRIBUTED,
  type RecordedEvent,
  type UsageStore,
} from '../database/UsageStore';
import type { RateLimiter } from './RateLimiter';

/** 429: the caller sent more than its rate; `retryAfterSeconds` says when to try again. */
export class TooManyRequestsError extends Error {
  readonly name = 'TooManyRequestsError';
  constructor(readonly retryAfterSeconds: number, message?: string) {
    super(
      message ??
        `Too many usage batches from this caller: try again in ${retryAfterSeconds} s`,
    );
  }
}

/** 503 with a Retry-After: the database or the catalog did not answer; nothing was written. */
export class RetryLaterError extends ServiceUnavailableError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  unpriced: number;
  unattributed: number;
}

const OWNER_TTL_MS = 60_000;

/**
 * Takes a batch of usage events: checks what the document cannot say, attributes each
 * to its entity's owner (from the catalog), prices it with the price in force at its
 * timestamp, and records it with its rollups in one transaction. The batch is whole or
 * nothing; a replayed id changes nothing.
 */
export class IngestService {
  private readonly owners = new Map<
    string,
    { owner: string | undefined; at: number }
  >();

  constructor(
    private readonly options: {
      store: UsageStore;
      prices: () => ReadonlyArray<Price>;
      /** The entity's owner as a lowercase group ref, undefined when not in the catalog. */
      ownerOf: (entityRef: string) => Promise<string | undefined>;
      limiter: RateLimiter;
      logger: LoggerService;
      now?: () => Date;
      /** How long to wait for the database before answering 503 (default 2 s). */
      databaseWaitMs?: number;
    },
  ) {}

  /**
   * `reportedBy` is the caller's principal; `claims`, for a user, their ownership refs:
   * a user reports only for services a group of theirs owns (else anyone could spend a
   * team's budget). A service (an operator-issued external-access token) reports for any;
   * one with a usage key, `onlyEntity`, only for the entity the key was issued for.
   */
  async ingest(
    batch: UsageEventInput[],
    reportedBy: string,
    claims?: string[],
    onlyEntity?: string,
  ): Promise<IngestResult> {
    const wait = this.options.limiter.take(reportedBy);
    if (wait > 0) throw new TooManyRequestsError(wait);
    const now = this.options.now?.() ?? new Date();
    const events = batch.map(withDefaults);
    const problems = checkUsageEvents(events, now);
    if (problems.length > 0) {
      throw new InputError(describeEventProblems(problems));
    }
    const overQuota = this.options.limiter.takeEvents(
      reportedBy,
      events.length,
    );
    if (overQuota > 0) {
      throw new TooManyRequestsError(
        overQuota,
        'This caller has reported its quota of AI usage events for today (ibias.aiCosts.ingest.maxEventsPerDay); nothing was recorded',
      );
    }
    if (onlyEntity !== undefined) {
      const others = [
        ...new Set(
          events.map(e => normalize(e.entityRef)).filter(r => r !== onlyEntity),
        ),
      ];
      if (others.length > 0) {
        throw new NotAllowedError(
          `This usage key reports for ${onlyEntity} only, not for ${others
            .slice(0, 5)
            .join(', ')}${
            others.length > 5 ? ` and ${others.length - 5} more` : ''
          }`,
        );
      }
    }
    const teams = await this.teamsOf(
      [...new Set(events.map(e => normalize(e.entityRef)))],
      now.getTime(),
    );
    if (claims) {
      const mine = new Set(claims.map(c => c.toLocaleLowerCase('en-US')));
      const foreign = [
        ...teams.keys(),
        ...events.map(e => normalize(e.entityRef)),
      ]
        .filter((ref, i, all) => all.indexOf(ref) === i)
        .filter(ref => !mine.has(teams.get(ref) ?? UNATTRIBUTED));
      if (foreign.length > 0) {
        throw new NotAllowedError(
          `Usage can be reported by a person only for services a group of theirs owns; not for ${foreign
            .slice(0, 5)
            .join(', ')}${
            foreign.length > 5 ? ` and ${foreign.length - 5} more` : ''
          } (services report with their own token)`,
        );
      }
    }
    const prices = this.options.prices();
    const recorded: RecordedEvent[] = events.map(e => {
      const entityRef = normalize(e.entityRef);
      const pricing = priceEvent(e, prices);
      return {
        ...e,
        entityRef,
        team: teams.get(entityRef) ?? UNATTRIBUTED,
        costMicros: pricing.priced ? pricing.costMicros : null,
        priceId: pricing.priced ? pricing.priceId : null,
        reportedBy,
      };
    });
    let inserted: RecordedEvent[];
    try {
      inserted = await retryWhileUnavailable(
        () => this.options.store.ingest(recorded, now),
        {
          forMs: this.options.databaseWaitMs ?? 2_000,
          what: 'recording AI usage',
          logger: this.options.logger,
        },
      );
    } catch (error) {
      if (
        error instanceof DatabaseUnavailableError ||
        isTransientDatabaseError(error)
      ) {
        throw new RetryLaterError(
          'The AI costs database does not answer; nothing was recorded: send the batch again later',
          30,
        );
      }
      throw error;
    }
    return {
      accepted: inserted.length,
      duplicates: recorded.length - inserted.length,
      unpriced: inserted.filter(e => e.costMicros === null).length,
      unattributed: inserted.filter(e => e.team === UNATTRIBUTED).length,
    };
  }

  /** Each entity's owner, asked of the catalog at most once a minute per entity. */
  private async teamsOf(refs: string[], now: number) {
    const out = new Map<string, string>();
    await Promise.all(
      refs.map(async ref => {
        const cached = this.owners.get(ref);
        let owner = cached?.owner;
        if (!cached || now - cached.at > OWNER_TTL_MS) {
          try {
            owner = await this.options.ownerOf(ref);
          } catch (error) {
            this.options.logger.warn(
              `The catalog did not say who owns ${ref}: ${
                isError(error) ? error.message : error
              }`,
            );
            // Attributing to nobody would be wrong for good: try again later instead.
            throw new RetryLaterError(
              'The catalog does not answer, so the usage cannot be attributed; nothing was recorded: send the batch again later',
              30,
            );
          }
          this.owners.set(ref, { owner, at: now });
          if (this.owners.size > 10_000) {
            this.owners.delete(this.owners.keys().next().value!);
          }
        }
        if (owner) out.set(ref, owner);
      }),
    );
    return out;
  }
}

/** The catalog's lowercase form of a full entity ref. */
/** Parsed refs, by what callers send: a batch names a few dozen entities a thousand times. */
const normalized = new Map<string, string>();

function normalize(ref: string): string {
  let out = normalized.get(ref);
  if (out === undefined) {
    out = stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
    if (normalized.size >= 50_000) normalized.clear();
    normalized.set(ref, out);
  }
  return out;
}
