import Stripe from 'stripe';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import type { Knex } from 'knex';
import { KnexRecordStore } from '../database/KnexRecordStore';
import { RealRecords } from './RealRecords';
import { StripeWebhook } from './StripeWebhook';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const SECRET = 'whsec_test_5f3c1e2d9a8b7c6d';
const TOLERANCE = 300;
const DOLLAR = 1_000_000;

interface Item {
  quantity: number;
  cents: number;
  interval: 'day' | 'week' | 'month' | 'year';
}

/** A `customer.subscription.*` event as Stripe sends it (the fields that matter, and some that do not). */
function subscriptionEvent(options: {
  id: string;
  type: string;
  created: number;
  status?: string;
  items: Item[];
}) {
  return JSON.stringify({
    id: options.id,
    object: 'event',
    api_version: '2025-08-27.basil',
    created: options.created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: 'req_8f7e6d5c', idempotency_key: null },
    type: options.type,
    data: {
      object: {
        id: 'sub_1QzXyZ2eZvKYlo2C',
        object: 'subscription',
        customer: 'cus_RvXw9aBcDeFgHi',
        status: options.status ?? 'active',
        currency: 'usd',
        items: {
          object: 'list',
          has_more: false,
          data: options.items.map((item, i) => ({
            id: `si_${i}`,
            object: 'subscription_item',
            quantity: item.quantity,
            price: {
              id: `price_${i}`,
              object: 'price',
              currency: 'usd',
              unit_amount: item.cents,
              recurring: {
                interval: item.interval,
                interval_count: 1,
                usage_type: 'licensed',
              },
            },
          })),
        },
      },
    },
  });
}

/** 3 seats at $49 a month, and a $1,200 yearly add-on: $147 + $100 a month. */
const ITEMS: Item[] = [
  { quantity: 3, cents: 4900, interval: 'month' },
  { quantity: 1, cents: 120_000, interval: 'year' },
];

const nowSeconds = () => Math.floor(Date.now() / 1000);

function sign(
  payload: string,
  options: { secret?: string; timestamp?: number } = {},
) {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? SECRET,
    timestamp: options.timestamp ?? nowSeconds(),
  });
}

async function setup(
  options: { secret?: string | null; sample?: boolean } = {},
) {
  const knex = await databases.init('SQLITE_3');
  const store = await KnexRecordStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  const realRecords = new RealRecords({
    store,
    logger: mockServices.logger.mock(),
    sampleEnabled: true,
  });
  if (options.sample) await realRecords.loadSampleIfEmpty(new Date());
  const webhook = new StripeWebhook({
    store,
    realRecords,
    endpointSecret:
      options.secret === null ? undefined : options.secret ?? SECRET,
    toleranceSeconds: TOLERANCE,
  });
  const receive = (payload: string, signature: string | undefined) =>
    webhook.receive(Buffer.from(payload, 'utf8'), signature);
  return { knex, store, realRecords, receive };
}

async function counts(knex: Knex) {
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  return {
    billing: await count('ibias_billing_events'),
    webhooks: await count('ibias_webhook_events'),
  };
}

/** What a refused request's message must never quote. */
function expectQuotesNothing(
  error: unknown,
  payload: string,
  signature?: string,
) {
  const message = String((error as Error).message);
  expect(message).not.toContain(SECRET);
  expect(message).not.toContain('whsec_');
  expect(message).not.toContain('cus_RvXw9aBcDeFgHi');
  expect(message).not.toContain('sub_1QzXyZ2eZvKYlo2C');
  expect(message).not.toContain(payload.slice(0, 40));
  if (signature) expect(message).not.toContain(signature.slice(0, 20));
}

async function refusal(attempt: Promise<unknown>): Promise<Error> {
  try {
    await attempt;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the request was accepted');
}

describe('StripeWebhook', () => {
  it('stores a signed subscription event with its monthly MRR in micro-dollars', async () => {
    const { knex, store, receive } = await setup();
    const created = nowSeconds() - 60;
    const payload = subscriptionEvent({
      id: 'evt_1QzCreated',
      type: 'customer.subscription.created',
      created,
      items: ITEMS,
    });
    await expect(receive(payload, sign(payload))).resolves.toEqual({
      received: true,
      replayed: false,
      recorded: true,
    });
    const [row] = await knex('ibias_billing_events');
    expect({
      id: row.id,
      source: row.source,
      customer: row.customer_id,
      subscription: row.subscription_id,
      type: row.type,
      occurredAt: Number(row.occurred_at),
      mrr: Number(row.mrr_micros),
    }).toEqual({
      id: 'evt_1QzCreated',
      source: 'stripe',
      customer: 'cus_RvXw9aBcDeFgHi',
      subscription: 'sub_1QzXyZ2eZvKYlo2C',
      type: 'subscription_started',
      occurredAt: created * 1000,
      mrr: 247 * DOLLAR,
    });
    expect(
      await knex('ibias_webhook_events').select('id', 'provider', 'type'),
    ).toEqual([
      {
        id: 'evt_1QzCreated',
        provider: 'stripe',
        type: 'customer.subscription.created',
      },
    ]);
    expect(await store.mrrAt(Date.now())).toBe(247 * DOLLAR);

    // Down to one seat: $49 + $100.
    const updated = subscriptionEvent({
      id: 'evt_1QzUpdated',
      type: 'customer.subscription.updated',
      created: created + 10,
      items: [{ ...ITEMS[0], quantity: 1 }, ITEMS[1]],
    });
    await expect(receive(updated, sign(updated))).resolves.toMatchObject({
      recorded: true,
    });
    expect(await store.mrrAt(Date.now())).toBe(149 * DOLLAR);

    // Unpaid is not paying: an update to a status that pays nothing is a cancellation.
    const unpaid = subscriptionEvent({
      id: 'evt_1QzUnpaid',
      type: 'customer.subscription.updated',
      created: created + 20,
      status: 'unpaid',
      items: ITEMS,
    });
    await receive(unpaid, sign(unpaid));
    expect(await store.mrrAt(Date.now())).toBe(0);
    expect(
      (
        await knex('ibias_billing_events')
          .where({ id: 'evt_1QzUnpaid' })
          .first()
      ).type,
    ).toBe('subscription_cancelled');

    const deleted = subscriptionEvent({
      id: 'evt_1QzDeleted',
      type: 'customer.subscription.deleted',
      created: created + 30,
      status: 'canceled',
      items: ITEMS,
    });
    await receive(deleted, sign(deleted));
    const last = await knex('ibias_billing_events')
      .where({ id: 'evt_1QzDeleted' })
      .first();
    expect([last.type, Number(last.mrr_micros)]).toEqual([
      'subscription_cancelled',
      0,
    ]);
  });

  it('applies a subscription created, changed and cancelled in one second in that order, whatever their ids', async () => {
    const { store, receive } = await setup();
    const created = nowSeconds() - 60;
    // Delivered (and with ids sorting) in the opposite order to what happened.
    for (const [id, type, status, items] of [
      ['evt_A', 'customer.subscription.deleted', 'canceled', ITEMS],
      ['evt_B', 'customer.subscription.updated', 'active', [ITEMS[0]]],
      ['evt_C', 'customer.subscription.created', 'active', ITEMS],
    ] as const) {
      const payload = subscriptionEvent({
        id,
        type,
        created,
        status,
        items: [...items],
      });
      await receive(payload, sign(payload));
    }
    // Cancelled last: nothing is paid at the end of the second.
    expect(await store.mrrAt(created * 1000 + 999)).toBe(0);
    // Until the cancellation, the change (one item) was in force.
    expect(await store.mrrAt(created * 1000 + 1)).toBeGreaterThan(0);
    expect(await store.mrrAt(created * 1000 + 1)).toBeLessThan(247 * DOLLAR);
  });

  it('refuses a bad signature with a 400 and writes nothing', async () => {
    const { knex, receive } = await setup();
    const payload = subscriptionEvent({
      id: 'evt_1QzForged',
      type: 'customer.subscription.created',
      created: nowSeconds(),
      items: ITEMS,
    });
    const forged = sign(payload, { secret: 'whsec_someone_else' });
    const error = await refusal(receive(payload, forged));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      'The Stripe signature does not match the payload and the endpoint secret',
    );
    expectQuotesNothing(error, payload, forged);

    // A genuine signature over other bytes: the body was changed on the way.
    const tampered = payload.replace('"quantity":3', '"quantity":30');
    const tamperedError = await refusal(receive(tampered, sign(payload)));
    expect(tamperedError).toBeInstanceOf(InputError);
    expectQuotesNothing(tamperedError, tampered);

    const missing = await refusal(receive(payload, undefined));
    expect(missing).toBeInstanceOf(InputError);
    expect(missing.message).toBe('The Stripe-Signature header is missing');

    const garbage = await refusal(receive(payload, 'not-a-signature'));
    expect(garbage).toBeInstanceOf(InputError);
    expectQuotesNothing(garbage, payload, 'not-a-signature');

    expect(await counts(knex)).toEqual({ billing: 0, webhooks: 0 });
  });

  it('refuses a signature older than the tolerance, saying so, and writes nothing', async () => {
    const { knex, receive } = await setup();
    const payload = subscriptionEvent({
      id: 'evt_1QzOld',
      type: 'customer.subscription.created',
      created: nowSeconds() - 3600,
      items: ITEMS,
    });
    const signature = sign(payload, {
      timestamp: nowSeconds() - TOLERANCE - 60,
    });
    const error = await refusal(receive(payload, signature));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(
      "The Stripe signature's timestamp is older than the tolerance of 300 s",
    );
    expectQuotesNothing(error, payload, signature);
    expect(await counts(knex)).toEqual({ billing: 0, webhooks: 0 });
  });

  it('changes nothing when Stripe delivers the same event again, validly re-signed', async () => {
    const { knex, store, receive } = await setup();
    const payload = subscriptionEvent({
      id: 'evt_1QzTwice',
      type: 'customer.subscription.created',
      created: nowSeconds() - 120,
      items: ITEMS,
    });
    await receive(payload, sign(payload, { timestamp: nowSeconds() - 100 }));
    const before = await counts(knex);
    expect(before).toEqual({ billing: 1, webhooks: 1 });

    await expect(receive(payload, sign(payload))).resolves.toEqual({
      received: true,
      replayed: true,
      recorded: false,
    });
    expect(await counts(knex)).toEqual(before);
    expect(await store.mrrAt(Date.now())).toBe(247 * DOLLAR);
  });

  it('answers 404 when no endpoint secret is configured, whatever was sent', async () => {
    const { knex, receive } = await setup({ secret: null });
    const payload = subscriptionEvent({
      id: 'evt_1QzNoSecret',
      type: 'customer.subscription.created',
      created: nowSeconds(),
      items: ITEMS,
    });
    const error = await refusal(receive(payload, sign(payload)));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain(
      'ibias.metrics.sources.stripe.webhookSecret',
    );
    expectQuotesNothing(error, payload);
    expect(await counts(knex)).toEqual({ billing: 0, webhooks: 0 });
  });

  it('removes the sample business when the first real billing event arrives, and only then', async () => {
    const { knex, realRecords, receive } = await setup({ sample: true });
    expect(await realRecords.isSample()).toBe(true);
    const sampleEvents = (await counts(knex)).billing;
    expect(sampleEvents).toBeGreaterThan(1000);

    // A refused request and an event that carries no billing leave the sample in place.
    const forged = subscriptionEvent({
      id: 'evt_1QzForged',
      type: 'customer.subscription.created',
      created: nowSeconds(),
      items: ITEMS,
    });
    await expect(
      receive(forged, sign(forged, { secret: 'whsec_wrong' })),
    ).rejects.toThrow(InputError);
    const other = JSON.stringify({
      id: 'evt_1QzCustomer',
      object: 'event',
      type: 'customer.created',
      created: nowSeconds(),
      data: { object: { id: 'cus_new', object: 'customer' } },
    });
    await expect(receive(other, sign(other))).resolves.toEqual({
      received: true,
      replayed: false,
      recorded: false,
    });
    expect(await realRecords.isSample()).toBe(true);
    expect((await counts(knex)).billing).toBe(sampleEvents);

    const payload = subscriptionEvent({
      id: 'evt_1QzFirstReal',
      type: 'customer.subscription.created',
      created: nowSeconds() - 5,
      items: ITEMS,
    });
    await receive(payload, sign(payload));
    expect(await realRecords.isSample()).toBe(false);
    expect(await knex('ibias_billing_events').select('id', 'source')).toEqual([
      { id: 'evt_1QzFirstReal', source: 'stripe' },
    ]);
    for (const table of [
      'ibias_marketing_spend',
      'ibias_survey_responses',
      'ibias_uptime_probes',
    ]) {
      expect(
        await knex(table).where({ source: 'sample' }).count({ n: '*' }),
      ).toEqual([{ n: 0 }]);
    }
    const rollupCustomers = await knex('ibias_customer_period_mrr').distinct(
      'customer_id',
    );
    expect(rollupCustomers).toEqual([{ customer_id: 'cus_RvXw9aBcDeFgHi' }]);
  });
});
