import { CappedLabel, OTHER } from './CappedLabel';

describe('CappedLabel', () => {
  describe.each([
    {
      mode: 'allow-list',
      make: () => CappedLabel.allowList(['mrr', 'churn']),
      inputs: ['mrr', 'arr', 'churn', 'mrr', 'ltv'],
      expected: ['mrr', OTHER, 'churn', 'mrr', OTHER],
    },
    {
      mode: 'empty allow-list',
      make: () => CappedLabel.allowList([]),
      inputs: ['a', 'b'],
      expected: [OTHER, OTHER],
    },
    {
      mode: 'first 2 seen',
      make: () => CappedLabel.firstSeen(2),
      inputs: ['c1', 'c2', 'c3', 'c1', 'c2', 'c4', 'c3'],
      expected: ['c1', 'c2', OTHER, 'c1', 'c2', OTHER, OTHER],
    },
    {
      mode: 'first 0 seen',
      make: () => CappedLabel.firstSeen(0),
      inputs: ['c1', 'c1'],
      expected: [OTHER, OTHER],
    },
    {
      mode: 'first 3 seen, repeats take no slot',
      make: () => CappedLabel.firstSeen(3),
      inputs: ['a', 'a', 'a', 'b', 'b', 'c', 'd'],
      expected: ['a', 'a', 'a', 'b', 'b', 'c', OTHER],
    },
  ])('$mode', ({ make, inputs, expected }) => {
    it('maps each value in order', () => {
      const capped = make();
      expect(inputs.map(value => capped.label(value))).toEqual(expected);
    });
  });

  it.each([10, 50, 200])(
    'leaves at most %i + 1 label values out of 10,000 distinct company ids',
    limit => {
      const capped = CappedLabel.firstSeen(limit);
      const labels = new Set<string>();
      for (let i = 0; i < 10_000; i++) {
        labels.add(capped.label(`company-${i}`));
      }
      expect(labels.size).toBe(limit + 1);
      expect(labels.has(OTHER)).toBe(true);
      expect(capped.namedCount).toBe(limit);
      // The slots went to the first values seen, and they keep them.
      expect(capped.label('company-0')).toBe('company-0');
      expect(capped.label(`company-${limit}`)).toBe(OTHER);
    },
  );

  it.each([-1, 1.5, Number.NaN])('refuses a cap of %p', limit => {
    expect(() => CappedLabel.firstSeen(limit)).toThrow(RangeError);
  });
});
