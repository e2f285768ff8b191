import Stripe from 'stripe';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  monthlyMicros,
  type BillingEvent,
} from '@internal/plugin-ibias-metrics-common';
import type { RecordStore } from '../database/RecordStore';
import type { RealRecords } from './RealRecords';

/** The subscription statuses that count towards MRR (a trial does not pay yet). */
const PAYING = new Set(['active', 'past_due']);

const TYPES: Record<string, BillingEvent['type']> = {
  'customer.subscription.created': 'subscription_started',
  'customer.subscription.updated': 'subscription_changed',
  'customer.subscription.resumed': 'subscription_changed',
  'customer.subscription.paused': 'subscription_changed',
  'customer.subscription.deleted': 'subscription_cancelled',
};

interface SubscriptionLike {
  id: string;
  customer: string | { id: string };
  status: string;
  items: {
    data: Array<{
      quantity?: number | null;
      price: {
        unit_amount: number | null;
        recurring: {
          interval: 'day' | 'week' | 'month' | 'year';
          interval_count: number;
        } | null;
      };
    }>;
  };
}

/** A subscription's MRR in micro-dollars from its items (Stripe amounts are cents). */
export function subscriptionMrrMicros(s: SubscriptionLike): number {
  if (!PAYING.has(s.status)) return 0;
  let total = 0;
  for (const item of s.items.data) {
    const { unit_amount: cents, recurring } = item.price;
    if (cents === null || !recurring) continue;
    total += monthlyMicros(
      cents * 10_000 * (item.quantity ?? 1),
      recurring.interval,
      recurring.interval_count,
    );
  }
  return total;
}

/**
 * Milliseconds added to an event's second by its type. Stripe stamps events to the second
 * and its ids are not ordered, so a subscription created and changed in the same second
 * would be applied in id order; by type, what starts it comes first and what ends it last.
 */
const ORDER_IN_SECOND: Record<BillingEvent['type'], number> = {
  subscription_started: 0,
  subscription_changed: 1,
  subscription_cancelled: 2,
};

/** A verified Stripe event as a billing event, or undefined for types that carry none. */
export function billingEventOf(event: Stripe.Event): BillingEvent | undefined {
  const type = TYPES[event.type];
  if (!type) return undefined;
  const s = event.data.object as unknown as SubscriptionLike;
  const mrr = type === 'subscription_cancelled' ? 0 : subscriptionMrrMicros(s);
  // A change to nothing paying ends the subscription's MRR: recorded as a cancellation.
  const recorded =
    type === 'subscription_changed' && mrr === 0
      ? 'subscription_cancelled'
      : type;
  return {
    id: event.id,
    customerId: typeof s.customer === 'string' ? s.customer : s.customer.id,
    subscriptionId: s.id,
    type: recorded,
    occurredAt: new Date(
      event.created * 1000 + ORDER_IN_SECOND[recorded],
    ).toISOString(),
    mrrMicros: mrr,
  };
}

/**
 * Stripe webhooks: the signature is verified with the endpoint secret (and the timestamp
 * against the tolerance) before anything is read; the event id makes a replay change
 * nothing. A refused request writes nothing and its message quotes nothing it was sent.
 */
export class StripeWebhook {
  constructor(
    private readonly options: {
      store: RecordStore;
      realRecords: RealRecords;
      /** Undefined when Stripe is not configured: the endpoint answers 404. */
      endpointSecret?: string;
      toleranceSeconds: number;
      now?: () => Date;
    },
  ) {}

  async receive(
    payload: Buffer,
    signature: string | undefined,
  ): Promise<{ received: true; replayed: boolean; recorded: boolean }> {
    const { endpointSecret, toleranceSeconds, store } = this.options;
    if (!endpointSecret) {
      throw new NotFoundError(
        'Stripe webhooks are not configured (ibias.metrics.sources.stripe.webhookSecret)',
      );
    }
    if (!signature) {
      throw new InputError('The Stripe-Signature header is missing');
    }
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(
        payload,
        signature,
        endpointSecret,
        toleranceSeconds,
      );
    } catch (e) {
      const old = /timestamp outside the tolerance/i.test(String(e));
      throw new InputError(
        old
          ? `The Stripe signature's timestamp is older than the tolerance of ${toleranceSeconds} s`
          : 'The Stripe signature does not match the payload and the endpoint secret',
      );
    }
    let billing: BillingEvent | undefined;
    try {
      billing = billingEventOf(event);
    } catch {
      // Signed by Stripe, but not the shape of a subscription event.
      throw new InputError(
        `The Stripe event ${event.id} (${event.type}) does not carry a subscription`,
      );
    }
    const now = this.options.now?.() ?? new Date();
    if (billing) await this.options.realRecords.arrived(now);
    const result = await store.import(
      {
        billing: billing ? [billing] : [],
        webhookEvent: { id: event.id, provider: 'stripe', type: event.type },
      },
      'stripe',
      now,
    );
    return {
      received: true,
      replayed: result.replayed,
      recorded: result.inserted.billing > 0,
    };
  }
}
