import { createHmac } from 'node:crypto';
import { verifyDrainSignature } from './createVercelDrainRouter';
import { VercelDrainRecords, type DrainEntry } from './VercelDrainRecords';

const PROJECTS = new Set(['prj_web']);
/** The receiver's clock in these tests: entries are stamped 1,000 (1 s before). */
const now = () => 2_000;
const entry = (over: Partial<DrainEntry> = {}): DrainEntry => ({
  id: 'e1',
  requestId: 'r1',
  deploymentId: 'dpl_1',
  projectId: 'prj_web',
  timestamp: 1_000,
  statusCode: 200,
  ...over,
});

describe('VercelDrainRecords', () => {
  it.each<[string, DrainEntry, { requests: number; errors: number }]>([
    ['a 200', entry(), { requests: 1, errors: 0 }],
    ['a 503', entry({ statusCode: 503 }), { requests: 1, errors: 1 }],
    [
      'the proxy status over the function status',
      entry({ statusCode: 200, proxy: { statusCode: 502 } }),
      { requests: 1, errors: 1 },
    ],
    [
      'a crashed function (−1)',
      entry({ statusCode: -1 }),
      { requests: 1, errors: 1 },
    ],
    [
      'a background revalidation (proxy −1)',
      entry({ proxy: { statusCode: -1 } }),
      { requests: 0, errors: 0 },
    ],
    [
      "the portal's own probe (its user agent)",
      entry({
        proxy: { statusCode: 500, userAgent: ['ibias-portal-probe/1'] },
      }),
      { requests: 0, errors: 0 },
    ],
    [
      'a real caller',
      entry({ proxy: { statusCode: 500, userAgent: ['Mozilla/5.0'] } }),
      { requests: 1, errors: 1 },
    ],
    [
      'build output (no status)',
      entry({ statusCode: undefined }),
      { requests: 0, errors: 0 },
    ],
    [
      'another project',
      entry({ projectId: 'prj_other' }),
      { requests: 0, errors: 0 },
    ],
    [
      'an entry without ids',
      entry({ id: undefined, requestId: undefined }),
      { requests: 0, errors: 0 },
    ],
    [
      'an entry stamped in the future (it would count in every later interval)',
      entry({
        timestamp: 2_000 + 61_000,
        proxy: { timestamp: 2_000 + 61_000, statusCode: 503 },
      }),
      { requests: 0, errors: 0 },
    ],
    [
      'an entry more than an hour old',
      entry({
        timestamp: 2_000 - 3_600_001,
        proxy: { timestamp: 2_000 - 3_600_001, statusCode: 503 },
      }),
      { requests: 0, errors: 0 },
    ],
    [
      'an entry before `since`',
      entry({ timestamp: 10 }),
      { requests: 0, errors: 0 },
    ],
  ])('counts %s', (_, e, expected) => {
    const records = new VercelDrainRecords({ now });
    records.record([e], PROJECTS);
    expect(records.counts('dpl_1', 500)).toEqual(expected);
  });

  it('ignores entries that are not objects, and keeps the rest of the batch', () => {
    const records = new VercelDrainRecords({ now });
    expect(
      records.record(
        [null, 7, 'x', [], entry()] as unknown as DrainEntry[],
        PROJECTS,
      ),
    ).toEqual({ stored: 1, duplicates: 0, ignored: 4 });
  });

  it('with onlyKnown, counts only deployments it was told of', () => {
    const records = new VercelDrainRecords({ onlyKnown: true, now });
    expect(records.record([entry()], PROJECTS)).toEqual({
      stored: 0,
      duplicates: 0,
      ignored: 1,
    });
    records.know('dpl_1');
    expect(
      records.record([entry({ id: 'e2', requestId: 'r2' })], PROJECTS),
    ).toEqual({
      stored: 1,
      duplicates: 0,
      ignored: 0,
    });
    expect(records.counts('dpl_1', 0)).toEqual({ requests: 1, errors: 0 });
  });

  it('counts a request once: a replay and a second log line change nothing', () => {
    const records = new VercelDrainRecords({ now });
    const batch = [
      entry(),
      entry({ id: 'e2', requestId: 'r2', statusCode: 500 }),
    ];
    expect(records.record(batch, PROJECTS)).toEqual({
      stored: 2,
      duplicates: 0,
      ignored: 0,
    });
    expect(records.record(batch, PROJECTS)).toMatchObject({ duplicates: 2 });
    // One request's stdout lines share its request id.
    records.record([entry({ id: 'e3' })], PROJECTS);
    expect(records.counts('dpl_1', 0)).toEqual({ requests: 2, errors: 1 });
  });

  it('keeps bounded memory: newest requests, newest deployments', () => {
    const records = new VercelDrainRecords({
      now,
      maxPerDeployment: 2,
      maxDeployments: 2,
    });
    records.record(
      [1, 2, 3].map(i => entry({ id: `a${i}`, requestId: `a${i}` })),
      PROJECTS,
    );
    expect(records.counts('dpl_1', 0).requests).toBe(2);
    records.record([entry({ deploymentId: 'dpl_2' })], PROJECTS);
    records.record([entry({ deploymentId: 'dpl_3' })], PROJECTS);
    expect(records.counts('dpl_1', 0).requests).toBe(0);
    expect(records.counts('dpl_3', 0).requests).toBe(1);
  });
});

describe('verifyDrainSignature', () => {
  const body = Buffer.from('[{"id":"e1"}]');
  const good = createHmac('sha1', 's3cret').update(body).digest('hex');
  it.each<[string, string | undefined, boolean]>([
    ['the hex HMAC-SHA1', good, true],
    ['upper-case hex', good.toUpperCase(), true],
    [
      'another secret',
      createHmac('sha1', 'x').update(body).digest('hex'),
      false,
    ],
    ['a truncated one', good.slice(0, 10), false],
    ['none', undefined, false],
  ])('%s', (_, signature, expected) => {
    expect(verifyDrainSignature(body, signature, 's3cret')).toBe(expected);
  });
});
