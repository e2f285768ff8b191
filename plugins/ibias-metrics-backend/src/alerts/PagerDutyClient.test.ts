import { mockServices } from '@backstage/backend-test-utils';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { dedupKey } from '@internal/plugin-ibias-metrics-common';
import {
  PagerDutyClient,
  PagerDutyDeliveryError,
  type PagerDutyClientOptions,
  type PagerDutyTriggerEvent,
} from './PagerDutyClient';
import { PagerDutyMimic } from './testing/PagerDutyMimic';

const ROUTING_KEY = 'R0ut1ngKeyR0ut1ngKeyR0ut1ngKey32';

const key = dedupKey(
  'high_error_rate',
  'component:default/ibias-api',
  '7d1c3f9e-2f64-4a8e-9a51-0c6d2b1e8f11',
);

const trigger: PagerDutyTriggerEvent = {
  action: 'trigger',
  dedupKey: key,
  summary: 'High Error Rate: ibias-api in production at 12 % (threshold > 5 %)',
  source: 'component:default/ibias-api',
  severity: 'critical',
  timestamp: '2025-03-01T12:00:00.000Z',
  component: 'ibias-api',
  group: 'production',
  class: 'high_error_rate',
  customDetails: { value: 0.12, threshold: 0.05, escalation: 'immediate' },
  links: [
    {
      href: 'https://portal.example.com/ibias-metrics/alerts/7d1c3f9e',
      text: 'Alert in the IBIAS portal',
    },
  ],
};

describe('PagerDutyClient against a PagerDuty stand-in on loopback', () => {
  const mimic = new PagerDutyMimic();
  let baseUrl: string;
  let delays: number[];
  const logger = mockServices.logger.mock();

  const client = (options: Partial<PagerDutyClientOptions> = {}) =>
    new PagerDutyClient({
      routingKey: ROUTING_KEY,
      baseUrl,
      logger,
      sleep: async ms => {
        delays.push(ms);
      },
      ...options,
    });

  beforeAll(async () => {
    baseUrl = await mimic.start();
  });
  afterAll(() => mimic.stop());
  beforeEach(() => {
    mimic.requests.length = 0;
    mimic.events.length = 0;
    mimic.script.length = 0;
    mimic.quoteRoutingKey = false;
    delays = [];
    jest.clearAllMocks();
  });
  afterEach(() => {
    // Whatever happened, nothing logged carries the routing key.
    const logged = JSON.stringify(
      [logger.warn, logger.info, logger.error, logger.debug].flatMap(
        fn => fn.mock.calls,
      ),
    );
    if (logged.includes(ROUTING_KEY)) {
      throw new Error(`the routing key was logged: ${logged}`);
    }
  });

  it('refuses a 400 at once: one attempt, InputError with PagerDuty’s words, no routing key', async () => {
    const error = await client()
      .send({ ...trigger, summary: '   ' })
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('Event object is invalid');
    expect(error.message).toContain("'payload.summary' is missing or blank");
    expect(error.message).toContain(key);
    expect(error.message).not.toContain(ROUTING_KEY);
    expect(mimic.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('never repeats the routing key even when PagerDuty quotes it back', async () => {
    mimic.quoteRoutingKey = true;
    const wrongKey = `${ROUTING_KEY}-typo`;
    const error = await client({ routingKey: wrongKey })
      .send({ action: 'resolve', dedupKey: key })
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(mimic.requests[0].body).toContain(wrongKey); // it was quoted back…
    expect(error.message).toContain("Routing key '[routing key]' is unknown");
    expect(error.message).not.toContain(wrongKey); // …and left out of the error
    expect(error.message).not.toContain('R0ut1ngKey');
  });

  it('gives up after maxAttempts with an error that says so and names the last answer', async () => {
    mimic.script.push(503, 503, 503, 503, 503);
    const error = await client({ maxAttempts: 4 })
      .send(trigger)
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toContain(
      `PagerDuty did not accept the trigger event ${key} after 4 attempts`,
    );
    expect(error.message).toContain('503: scripted 503');
    expect(error.message).not.toContain(ROUTING_KEY);
    expect(mimic.requests).toHaveLength(4);
    expect(mimic.script).toEqual([503]); // the fifth answer was never asked for
    expect(delays).toHaveLength(3);
    expect(logger.warn).toHaveBeenCalledTimes(3);
  });

  it('does not retry an answer it cannot fix (404 from a wrong base URL)', async () => {
    const error = await client({ baseUrl: `${baseUrl}/wrong` })
      .send(trigger)
      .catch(e => e);
    expect(error).toBeInstanceOf(PagerDutyDeliveryError);
    expect(error.status).toBe(404);
    expect(error.message).toContain('PagerDuty answered 404');
    expect(mimic.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('delivers a trigger and then its resolve under one dedup key', async () => {
    const pd = client();
    await expect(pd.send(trigger)).resolves.toEqual({
      dedupKey: key,
      attempts: 1,
    });
    await expect(
      pd.send({ action: 'resolve', dedupKey: key }),
    ).resolves.toEqual({ dedupKey: key, attempts: 1 });

    expect(mimic.requests.map(r => [r.method, r.url, r.contentType])).toEqual([
      ['POST', '/v2/enqueue', 'application/json'],
      ['POST', '/v2/enqueue', 'application/json'],
    ]);
    expect(mimic.events.map(e => e.event_action)).toEqual([
      'trigger',
      'resolve',
    ]);
    expect(new Set(mimic.events.map(e => e.dedup_key))).toEqual(new Set([key]));
    expect(mimic.events[0]).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: key,
      payload: {
        summary: trigger.summary,
        source: 'component:default/ibias-api',
        severity: 'critical',
        timestamp: '2025-03-01T12:00:00.000Z',
        component: 'ibias-api',
        group: 'production',
        class: 'high_error_rate',
        custom_details: {
          value: 0.12,
          threshold: 0.05,
          escalation: 'immediate',
        },
      },
      links: trigger.links,
    });
    // A resolve is the key and the action, nothing else.
    expect(mimic.events[1]).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: key,
    });
  });

  it('acknowledges', async () => {
    await expect(
      client().send({ action: 'acknowledge', dedupKey: key }),
    ).resolves.toEqual({ dedupKey: key, attempts: 1 });
    expect(mimic.events).toEqual([
      { routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: key },
    ]);
  });

  it('cuts a long summary to PagerDuty’s 1024 characters instead of losing the event', async () => {
    // 1023 ASCII characters then an emoji: the cut must not split its surrogate pair.
    const summary = `${'x'.repeat(1022)}🔥${'y'.repeat(500)}`;
    await client().send({ ...trigger, summary });
    const sent: string = mimic.events[0].payload.summary;
    expect(sent.length).toBeLessThanOrEqual(1024);
    expect(sent).toBe(`${'x'.repeat(1022)}…`);
  });

  it('retries 429 twice, then succeeds on the third attempt with growing waits', async () => {
    mimic.script.push(429, 429);
    await expect(client().send(trigger)).resolves.toEqual({
      dedupKey: key,
      attempts: 3,
    });
    expect(mimic.requests).toHaveLength(3);
    expect(mimic.events).toHaveLength(1);
    expect(delays).toHaveLength(2);
    // Half fixed, half jitter, doubling from 500 ms: [250, 500] then [500, 1000].
    expect(delays[0]).toBeGreaterThanOrEqual(250);
    expect(delays[0]).toBeLessThanOrEqual(500);
    expect(delays[1]).toBeGreaterThanOrEqual(500);
    expect(delays[1]).toBeLessThanOrEqual(1000);
    expect(delays[1]).toBeGreaterThanOrEqual(delays[0]);
  });

  it('retries a 500, then succeeds', async () => {
    mimic.script.push(500);
    await expect(client().send(trigger)).resolves.toEqual({
      dedupKey: key,
      attempts: 2,
    });
    expect(mimic.requests).toHaveLength(2);
    expect(mimic.events.map(e => e.dedup_key)).toEqual([key]);
    expect(delays).toHaveLength(1);
  });

  it('retries when the connection is cut without an answer', async () => {
    mimic.script.push('reset', 'reset');
    await expect(
      client().send({ action: 'resolve', dedupKey: key }),
    ).resolves.toEqual({ dedupKey: key, attempts: 3 });
    expect(mimic.events).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no answer: fetch failed'),
    );
  });

  it('retries when nothing listens, and gives up with the network failure as the cause', async () => {
    const closed = new PagerDutyMimic();
    const closedUrl = await closed.start();
    await closed.stop();
    const error = await client({ baseUrl: closedUrl, maxAttempts: 3 })
      .send(trigger)
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/after 3 attempts.*no answer: fetch failed/);
    expect(delays).toHaveLength(2);
  });
});

describe('PagerDutyClient backoff', () => {
  const withRandom = (random: () => number) =>
    new PagerDutyClient({
      routingKey: ROUTING_KEY,
      initialDelayMs: 1000,
      maxDelayMs: 8000,
      random,
    });

  it.each([
    // attempt, wait with no jitter, wait with the most jitter
    [2, 500, 1000],
    [3, 1000, 2000],
    [4, 2000, 4000],
    [5, 4000, 8000],
    [6, 4000, 8000], // capped
  ])('before attempt %i waits %i to %i ms', (attempt, least, most) => {
    expect(withRandom(() => 0).backoffMs(attempt)).toBe(least);
    expect(withRandom(() => 0.999999).backoffMs(attempt)).toBe(most);
  });

  it.each([0, -1, 1.5])('refuses maxAttempts %p', maxAttempts => {
    expect(
      () => new PagerDutyClient({ routingKey: ROUTING_KEY, maxAttempts }),
    ).toThrow(InputError);
  });

  it('refuses to start without a routing key', () => {
    expect(() => new PagerDutyClient({ routingKey: '' })).toThrow(
      'PagerDuty needs a routing key',
    );
  });
});
