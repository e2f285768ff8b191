import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AiUsageReporter } from './reporter';

/** A loopback portal: answers each POST with the next scripted status, records bodies. */
async function portal(script: Array<{ status: number; retryAfter?: string }>) {
  const received: Array<{ auth?: string; key?: string; events: any[] }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const step = script.shift() ?? { status: 200 };
      if (step.status === 200) {
        received.push({
          auth: req.headers.authorization,
          key: req.headers['x-ibias-usage-key'] as string | undefined,
          events: JSON.parse(body).events,
        });
      }
      res.writeHead(step.status, {
        'content-type': 'application/json',
        ...(step.retryAfter ? { 'retry-after': step.retryAfter } : {}),
      });
      res.end(
        JSON.stringify(
          step.status === 200
            ? { accepted: 1 }
            : {
                error: {
                  name: 'InputError',
                  message: 'request/body/events/0/model is bad',
                },
              },
        ),
      );
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

const OPENAI_ANSWER = {
  id: 'chatcmpl-1',
  choices: [{ message: { role: 'assistant', content: 'never reported' } }],
  usage: {
    prompt_tokens: 1200,
    completion_tokens: 300,
    prompt_tokens_details: { cached_tokens: 200 },
  },
};

describe('AiUsageReporter', () => {
  it("reports a wrapped call's usage and latency, never its content, and returns the answer unchanged", async () => {
    const p = await portal([]);
    let now = 1_000_000;
    const reporter = new AiUsageReporter({
      portalUrl: p.url,
      token: 'svc-token',
      entityRef: 'component:default/ai-recommendations',
      now: () => now,
    });
    const answer = await reporter.wrap(
      { provider: 'openai', model: 'gpt-4o-mini' },
      async () => {
        now += 850;
        return OPENAI_ANSWER;
      },
    );
    expect(answer).toBe(OPENAI_ANSWER);
    await reporter.close();
    await p.close();
    expect(p.received).toHaveLength(1);
    expect(p.received[0].auth).toBe('Bearer svc-token');
    const [event] = p.received[0].events;
    expect(event).toMatchObject({
      entityRef: 'component:default/ai-recommendations',
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 1200,
      outputTokens: 300,
      cachedInputTokens: 200,
      latencyMs: 850,
      status: 'success',
    });
    expect(JSON.stringify(p.received)).not.toMatch(/never reported/);
    expect(reporter.stats).toEqual({
      sent: 1,
      dropped: 0,
      refused: 0,
      retries: 0,
    });
  });

  it('an explicit undefined id, timestamp or entity keeps the defaults (else the portal would refuse the batch)', async () => {
    const p = await portal([]);
    const reporter = new AiUsageReporter({
      portalUrl: p.url,
      entityRef: 'component:default/x',
      now: () => Date.parse('2026-12-07T10:00:00Z'),
    });
    reporter.record({
      id: undefined,
      timestamp: undefined,
      entityRef: undefined,
      provider: 'openai',
      model: 'gpt-4o',
      latencyMs: 1,
      status: 'success',
    });
    await reporter.close();
    await p.close();
    const [event] = p.received[0].events;
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.timestamp).toBe('2026-12-07T10:00:00.000Z');
    expect(event.entityRef).toBe('component:default/x');
  });

  it('sends the usage key, not the token, when the portal gave the service one', async () => {
    const p = await portal([]);
    const reporter = new AiUsageReporter({
      portalUrl: p.url,
      token: 'svc-token',
      usageKey: 'ibias-usage.v1.abc.def',
      entityRef: 'component:default/x',
    });
    reporter.record({
      provider: 'openai',
      model: 'gpt-4o',
      latencyMs: 1,
      status: 'success',
    });
    await reporter.close();
    await p.close();
    expect(p.received).toEqual([
      expect.objectContaining({
        auth: undefined,
        key: 'ibias-usage.v1.abc.def',
      }),
    ]);
  });

  it("reports a failed call as an error and rethrows the call's own error", async () => {
    const p = await portal([]);
    const reporter = new AiUsageReporter({
      portalUrl: p.url,
      entityRef: 'component:default/x',
    });
    const failure = new Error('rate limited by OpenAI');
    await expect(
      reporter.wrap({ provider: 'openai', model: 'gpt-4o' }, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    await reporter.close();
    await p.close();
    expect(p.received[0].events[0]).toEqual({
      id: expect.any(String),
      timestamp: expect.any(String),
      entityRef: 'component:default/x',
      provider: 'openai',
      model: 'gpt-4o',
      latencyMs: expect.any(Number),
      status: 'error',
    });
  });

  it('keeps events while the portal answers 503, respects Retry-After, and sends them once it is back', async () => {
    const p = await portal([{ status: 503, retryAfter: '30' }]);
    let now = 0;
    const warnings: string[] = [];
    const reporter = new AiUsageReporter({
      portalUrl: p.url,
      entityRef: 'component:default/x',
      now: () => now,
      warn: m => warnings.push(m),
    });
    for (let i = 0; i < 3; i++) {
      reporter.record({
        provider: 'openai',
        model: 'gpt-4o',
        latencyMs: 1,
        status: 'success',
      });
    }
    await reporter.flush();
    expect(reporter.stats.retries).toBe(1);
    expect(p.received).toHaveLength(0);
    now = 10_000; // before Retry-After: nothing is tried
    await reporter.flush();
    expect(p.received).toHaveLength(0);
    now = 31_000;
    await reporter.flush();
    expect(p.received.flatMap(r => r.events)).toHaveLength(3);
    await reporter.close();
    await p.close();
  });

  it('never blocks nor fails the service when the portal is down, and bounds its queue', async () => {
    const warnings: string[] = [];
    const reporter = new AiUsageReporter({
      portalUrl: 'http://127.0.0.1:1',
      entityRef: 'component:default/x',
      maxQueue: 5,
      batchSize: 1000,
      warn: m => warnings.push(m),
    });
    const answer = await reporter.wrap(
      { provider: 'openai', model: 'gpt-4o' },
      async () => 'ok',
    );
    expect(answer).toBe('ok');
    for (let i = 0; i < 9; i++) {
      reporter.record({
        provider: 'openai',
        model: 'gpt-4o',
        latencyMs: 1,
        status: 'success',
      });
    }
    await reporter.close();
    expect(reporter.stats.dropped).toBe(5);
    expect(warnings.join()).toMatch(/did not answer/);
  });

  it('drops a batch the portal refuses with a 400, saying why, and goes on with the next', async () => {
    const p = await portal([{ status: 400 }]);
    const warnings: string[] = [];
    const reporter = new AiUsageReporter({
      portalUrl: p.url,
      entityRef: 'component:default/x',
      batchSize: 2,
      warn: m => warnings.push(m),
    });
    for (let i = 0; i < 4; i++) {
      reporter.record({
        provider: 'openai',
        model: 'gpt-4o',
        latencyMs: 1,
        status: 'success',
      });
    }
    await reporter.close();
    await p.close();
    expect(reporter.stats).toMatchObject({ sent: 2, refused: 2 });
    expect(warnings).toEqual([
      '[ibias-ai-costs] 2 usage events refused: request/body/events/0/model is bad',
    ]);
  });
});
