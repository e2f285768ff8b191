import { createAiUsageKeys } from './usageKeys';

describe('AI usage keys', () => {
  const keys = createAiUsageKeys('a'.repeat(32));

  it('names the entity it was issued for, lowercased', () => {
    const key = keys.issue('component:default/AI-Recommendations');
    expect(keys.verify(key)).toBe('component:default/ai-recommendations');
  });

  it.each([
    [
      'another secret',
      createAiUsageKeys('b'.repeat(32)).issue('component:default/x'),
    ],
    [
      'a forged entity',
      (() => {
        const [, sig] = keys.issue('component:default/x').slice(15).split('.');
        return `ibias-usage.v1.${Buffer.from('component:default/y').toString(
          'base64url',
        )}.${sig}`;
      })(),
    ],
    ['a truncated signature', keys.issue('component:default/x').slice(0, -4)],
    ['no prefix', 'Bearer abc'],
    ['extra parts', `${keys.issue('component:default/x')}.x`],
    ['an empty key', ''],
    ['a huge key', `ibias-usage.v1.${'a'.repeat(5000)}.b`],
  ])('refuses %s', (_what, key) => {
    expect(keys.verify(key)).toBeUndefined();
  });
});
