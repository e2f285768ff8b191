import {
  DatabaseUnavailableError,
  isTransientDatabaseError,
  retryWhileUnavailable,
} from './databaseFaults';

const err = (fields: Record<string, unknown>) =>
  Object.assign(new Error(String(fields.message ?? 'x')), fields);

describe('isTransientDatabaseError', () => {
  it.each([
    ['a refused connection', err({ code: 'ECONNREFUSED' }), true],
    ['a reset connection', err({ code: 'ECONNRESET' }), true],
    ['PostgreSQL shutting down (57P01)', err({ code: '57P01' }), true],
    ['PostgreSQL starting up (57P03)', err({ code: '57P03' }), true],
    ['a connection exception (08006)', err({ code: '08006' }), true],
    ['too many connections (53300)', err({ code: '53300' }), true],
    ['a serialization failure (40001)', err({ code: '40001' }), true],
    ['SQLite busy', err({ code: 'SQLITE_BUSY' }), true],
    ['the pool timing out', err({ name: 'KnexTimeoutError' }), true],
    [
      'the pg driver losing its connection',
      err({ message: 'Connection terminated unexpectedly' }),
      true,
    ],
    [
      'a server that is starting',
      err({ message: 'the database system is starting up' }),
      true,
    ],
    ['a unique violation (23505)', err({ code: '23505' }), false],
    ['a syntax error (42601)', err({ code: '42601' }), false],
    ['a missing table (42P01)', err({ code: '42P01' }), false],
    ['a SQLite constraint', err({ code: 'SQLITE_CONSTRAINT_UNIQUE' }), false],
    ['an error of ours', new Error('Unknown step x'), false],
    ['not an error', 'ECONNREFUSED', false],
    ['nothing', undefined, false],
  ])('%s → %s', (_l, error, transient) => {
    expect(isTransientDatabaseError(error)).toBe(transient);
  });
});

describe('retryWhileUnavailable', () => {
  /** A clock that advances only when the code under test sleeps. */
  function fakeTime() {
    let t = 0;
    const waits: number[] = [];
    return {
      waits,
      now: () => t,
      sleep: async (ms: number) => {
        waits.push(ms);
        t += ms;
      },
    };
  }
  const down = err({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });

  it('waits out an outage with doubling waits capped at 5 s, then returns the answer', async () => {
    const time = fakeTime();
    let calls = 0;
    const logs: string[] = [];
    const result = await retryWhileUnavailable(
      async () => {
        calls += 1;
        if (time.now() < 30_000) throw down;
        return 'saved';
      },
      {
        forMs: 120_000,
        what: 'saving deployment d1',
        ...time,
        logger: { warn: m => logs.push(m), info: m => logs.push(m) },
      },
    );
    expect(result).toBe('saved');
    expect(time.waits.slice(0, 6)).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    expect(Math.max(...time.waits)).toBe(5000);
    // Back within one maximum wait of the database's return.
    expect(time.now() - 30_000).toBeLessThanOrEqual(5000);
    expect(calls).toBe(time.waits.length + 1);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(
      /^saving deployment d1: the database is unreachable .* retrying for up to 120 s$/,
    );
    expect(logs[1]).toMatch(/answered again after \d+ ms/);
  });

  it('gives up after forMs with DatabaseUnavailableError, keeping the cause', async () => {
    const time = fakeTime();
    const attempt = retryWhileUnavailable(
      async () => {
        throw down;
      },
      { forMs: 10_000, what: 'saving', ...time },
    );
    await expect(attempt).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(attempt).rejects.toMatchObject({ cause: down });
    expect(time.now()).toBe(10_000);
  });

  it('throws any other error at once, without retrying', async () => {
    const time = fakeTime();
    let calls = 0;
    const constraint = err({ code: '23505' });
    await expect(
      retryWhileUnavailable(
        async () => {
          calls += 1;
          throw constraint;
        },
        { forMs: 10_000, what: 'saving', ...time },
      ),
    ).rejects.toBe(constraint);
    expect(calls).toBe(1);
    expect(time.waits).toEqual([]);
  });
});
