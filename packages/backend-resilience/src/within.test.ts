import { within } from './within';

describe('within', () => {
  it.each([
    // [work settles after ms, limit ms, expected]
    [5, 200, 'work'],
    [200, 5, 'late'],
  ])('work after %i ms, limit %i ms → %s', async (after, limit, expected) => {
    const work = new Promise<string>(resolve =>
      setTimeout(() => resolve('work'), after),
    );
    expect(await within(limit, work, 'late')).toBe(expected);
  });
});
