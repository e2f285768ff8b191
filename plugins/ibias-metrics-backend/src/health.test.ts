import type { Knex } from 'knex';
import { checkHealth } from './health';

const answering = { raw: async () => ({}) } as unknown as Knex;
const failing = {
  raw: async () => {
    throw new Error('connect ECONNREFUSED postgres://admin:hunter2@db');
  },
} as unknown as Knex;

describe('checkHealth', () => {
  it.each([
    ['everything answers', answering, async () => {}, 'up', { status: 'up' }],
    [
      'the SQL source refuses',
      answering,
      async () => {
        throw new Error('password authentication failed for hunter2');
      },
      'degraded',
      { status: 'degraded', detail: 'unreachable' },
    ],
    [
      'the SQL source hangs',
      answering,
      () => new Promise<void>(() => {}),
      'degraded',
      { status: 'degraded', detail: 'timed out after 2 s' },
    ],
    [
      'the database is down too',
      failing,
      async () => {},
      'down',
      { status: 'up' },
    ],
  ])('%s', async (_case, knex, ping, status, sqlSource) => {
    const answer = await checkHealth({ knex, sql: { ping } });
    expect(answer.status).toBe(status);
    expect(answer.checks.sqlSource).toEqual(sqlSource);
    // Fixed phrases: no error text, no secret.
    expect(JSON.stringify(answer)).not.toMatch(/hunter2|ECONNREFUSED/);
  });

  it('has no SQL check without a SQL source', async () => {
    const answer = await checkHealth({ knex: answering });
    expect(answer).toEqual({
      status: 'up',
      checks: { database: { status: 'up' } },
    });
  });
});
