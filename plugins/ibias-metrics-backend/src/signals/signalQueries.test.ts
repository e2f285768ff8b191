import { InputError } from '@backstage/errors';
import {
  atTopBucket,
  escapeRegex,
  GOLDEN_SIGNAL_RANGES,
  goldenSignalQueries,
  largestFiniteBound,
  promqlString,
  queryWindow,
  rateWindowSeconds,
  serviceMatchers,
  serviceTarget,
  TRAFFIC_MATCHER,
} from './signalQueries';

/**
 * Reads a PromQL double-quoted string literal back, as PromQL's lexer does (Go escapes),
 * or throws where the literal would end early: what the escaping must never allow.
 */
function readPromqlString(literal: string): string {
  if (!literal.startsWith('"') || !literal.endsWith('"')) {
    throw new Error(`not a string literal: ${literal}`);
  }
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"')
      throw new Error(`the literal ends early at ${i}: ${literal}`);
    if (c === '\n') throw new Error(`a raw newline at ${i}: ${literal}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = {
      '\\': '\\',
      '"': '"',
      n: '\n',
      t: '\t',
      r: '\r',
    };
    if (next in simple) {
      out += simple[next];
    } else if (next === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      throw new Error(`unknown escape \\${next} in ${literal}`);
    }
  }
  return out;
}

describe('promqlString', () => {
  it.each([
    ['ibias-api', '"ibias-api"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['two\nlines', '"two\\nlines"'],
    ['tab\there', '"tab\\there"'],
    ['bell\u0007', '"bell\\x07"'],
    ['', '""'],
  ])('writes %j as %s', (value, literal) => {
    expect(promqlString(value)).toBe(literal);
    expect(readPromqlString(literal)).toBe(value);
  });

  it.each([
    'x"} or vector(1) or up{a="',
    'x\\"} or vector(1) #',
    'x\\\\"} or on() vector(1)',
    '"\n} or vector(1)',
    'ünïcödé ✓ "quoted" \\ \u0000',
  ])('keeps hostile text %j inside one string', hostile => {
    const literal = promqlString(hostile);
    expect(readPromqlString(literal)).toBe(hostile);
  });
});

describe('escapeRegex', () => {
  it.each([
    ['component:default/ibias-api', 'component:default/ibias-api'],
    ['a.b', 'a\\.b'],
    ['a|b', 'a\\|b'],
    ['(x)+[y]*?{2}^$\\', '\\(x\\)\\+\\[y\\]\\*\\?\\{2\\}\\^\\$\\\\'],
  ])('escapes %j as %j, which matches only itself', (value, escaped) => {
    expect(escapeRegex(value)).toBe(escaped);
    const anchored = new RegExp(`^(?:${escaped})$`);
    expect(anchored.test(value)).toBe(true);
    expect(anchored.test(`${value}x`)).toBe(false);
  });

  it('stops a dot matching any character', () => {
    expect(new RegExp(`^${escapeRegex('a.b')}$`).test('axb')).toBe(false);
  });
});

describe('serviceTarget', () => {
  it.each([
    [
      'component:default/ibias-api',
      { entityRef: 'component:default/ibias-api', service: 'ibias-api' },
    ],
    // The local target labels by the lower-cased ref (ProcessSupervisor.instanceKey).
    [
      'Component:Default/IBIAS-Api',
      { entityRef: 'component:default/ibias-api', service: 'ibias-api' },
    ],
    [
      'ibias-api',
      { entityRef: 'component:default/ibias-api', service: 'ibias-api' },
    ],
    ['resource:other/db', { entityRef: 'resource:other/db', service: 'db' }],
  ])('reads %s', (ref, expected) => {
    expect(serviceTarget(ref)).toEqual({ ...expected, environment: undefined });
  });

  it('refuses what is not an entity ref', () => {
    expect(() => serviceTarget('component:')).toThrow(InputError);
  });
});

describe('serviceMatchers', () => {
  it('matches the name, and the entity or no entity label (Kubernetes)', () => {
    expect(
      serviceMatchers({
        entityRef: 'component:default/ibias-api',
        service: 'ibias-api',
        environment: 'staging',
      }),
    ).toBe(
      'ibias_service="ibias-api",ibias_entity=~"component:default/ibias-api|",ibias_environment="staging"',
    );
  });

  it('leaves the environment out when none is asked for', () => {
    expect(
      serviceMatchers({ entityRef: 'component:default/a.b', service: 'a.b' }),
    ).toBe('ibias_service="a.b",ibias_entity=~"component:default/a\\\\.b|"');
  });

  it('keeps a hostile name and environment inside their strings', () => {
    const hostile = 'x"} or vector(1) or up{a="';
    const matchers = serviceMatchers({
      entityRef: `component:default/${hostile}`,
      service: hostile,
      environment: hostile,
    });
    // Three matchers, each a name, an operator and one string literal.
    const literal = '"(?:[^"\\\\]|\\\\.)*"';
    expect(matchers).toMatch(
      new RegExp(
        `^ibias_service=${literal},ibias_entity=~${literal},ibias_environment=${literal}$`,
      ),
    );
    expect(matchers).not.toMatch(/[^\\]"} or/);
  });
});

describe('TRAFFIC_MATCHER', () => {
  it('leaves out probes and scrapes, as the alert rules do', () => {
    // Below any mount point: the portal's own /api/ibias-metrics/metrics too.
    expect(TRAFFIC_MATCHER).toBe('route!~".*(/health|/ready|/metrics)"');
  });
});

describe('queryWindow', () => {
  const now = new Date('2026-12-07T10:07:41.500Z');

  it.each([
    ['15m', 15, 60, '2026-12-07T10:07:30.000Z', '2026-12-07T09:52:30.000Z'],
    ['1h', 30, 60, '2026-12-07T10:07:30.000Z', '2026-12-07T09:07:30.000Z'],
    ['6h', 180, 360, '2026-12-07T10:06:00.000Z', '2026-12-07T04:06:00.000Z'],
    ['24h', 720, 1440, '2026-12-07T10:00:00.000Z', '2026-12-06T10:00:00.000Z'],
    ['7d', 3600, 7200, '2026-12-07T10:00:00.000Z', '2026-11-30T10:00:00.000Z'],
  ] as const)(
    '%s: a point every %i s, each over %i s, ending on a whole step',
    (range, step, window, end, start) => {
      const w = queryWindow(range, now);
      expect(w).toEqual({
        start: new Date(start),
        end: new Date(end),
        stepSeconds: step,
        windowSeconds: window,
        rangeSeconds: GOLDEN_SIGNAL_RANGES[range].seconds,
      });
      // About 60 to 170 points whatever the range.
      const points = GOLDEN_SIGNAL_RANGES[range].seconds / step + 1;
      expect(points).toBeGreaterThanOrEqual(60);
      expect(points).toBeLessThanOrEqual(170);
    },
  );

  it.each([
    [15, 60],
    [30, 60],
    [31, 62],
    [3600, 7200],
  ])('a step of %i s takes rates over %i s', (step, window) => {
    expect(rateWindowSeconds(step)).toBe(window);
  });
});

describe('largestFiniteBound', () => {
  it.each([
    [['0.005', '0.5', '10', '+Inf'], 10],
    [['+Inf', '2.5', '1e1'], 10],
    [['+Inf'], null],
    [[], null],
    [['0.1', 'NaN'], 0.1],
  ])('of %j is %j', (les, expected) => {
    expect(largestFiniteBound(les)).toBe(expected);
  });
});

describe('atTopBucket', () => {
  it.each([
    [10, 10, true], // in the +Inf bucket: histogram_quantile answers the bound
    [9.99, 10, false], // interpolated inside the top finite bucket
    [0.3, 10, false],
    [12, 10, true],
    [null, 10, false], // no estimate, no warning
    [5, null, false], // no buckets known
  ])('estimate %j with largest bound %j: %j', (estimate, bound, expected) => {
    expect(atTopBucket(estimate, bound)).toBe(expected);
  });
});

describe('goldenSignalQueries', () => {
  const target = {
    entityRef: 'component:default/ibias-api',
    service: 'ibias-api',
    environment: 'production',
  };
  const queries = goldenSignalQueries(target, 60, 3600);
  const service = serviceMatchers(target);

  it('asks every query of this one service', () => {
    for (const [name, query] of Object.entries(queries)) {
      expect({ name, has: query.includes(service) }).toEqual({
        name,
        has: true,
      });
    }
  });

  it('splits by environment and version', () => {
    expect(queries.requestRate).toBe(
      `sum by (ibias_environment, version) (rate(http_request_duration_seconds_count{${service},${TRAFFIC_MATCHER}}[60s]))`,
    );
    expect(queries.p95).toBe(
      `histogram_quantile(0.95, sum by (ibias_environment, version, le) (rate(http_request_duration_seconds_bucket{${service},${TRAFFIC_MATCHER}}[60s])))`,
    );
  });

  it('reads an error rate of 0 with traffic and no 5xx, NaN without traffic', () => {
    expect(queries.errorRate).toBe(
      `(sum by (ibias_environment, version) (rate(http_request_duration_seconds_count{${service},${TRAFFIC_MATCHER},status=~"5.."}[60s])) or 0 * ${queries.requestRate}) / ${queries.requestRate}`,
    );
  });

  it('takes the summary over the whole range', () => {
    expect(queries.totalP99).toContain('increase(');
    expect(queries.totalP99).toContain('[3600s]');
    expect(queries.totalRequests).toContain('[3600s]');
    expect(queries.buckets).toBe(
      `count by (ibias_environment, version, le) (last_over_time(http_request_duration_seconds_bucket{${service},${TRAFFIC_MATCHER}}[3600s]))`,
    );
  });

  it('reads AI calls from ai_request_duration_seconds, success by outcome', () => {
    expect(queries.aiSuccessRate).toContain('outcome="success"');
    expect(queries.aiLatencyP95).toContain(
      'ai_request_duration_seconds_bucket',
    );
  });
});
