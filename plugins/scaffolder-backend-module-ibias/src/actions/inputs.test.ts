import path from 'node:path';
import { assertServiceName, resolveInside } from './inputs';

describe('assertServiceName', () => {
  it.each(['ibias-api', 'abc', 'a1-b2-c3', 'x'.repeat(40)])(
    'accepts %s',
    name => {
      expect(assertServiceName(name)).toBe(name);
    },
  );
  it.each([
    ['too short', 'ab'],
    ['too long', 'x'.repeat(41)],
    ['upper case', 'Ibias'],
    ['leading digit', '1abc'],
    ['double hyphen', 'a--b'],
    ['trailing hyphen', 'abc-'],
    ['path traversal', '../etc'],
    ['slash', 'a/b'],
    ['template syntax', '${{ parameters.x }}'],
  ])('refuses %s (%s)', (_, name) => {
    expect(() => assertServiceName(name)).toThrow(/Invalid service name/);
  });
});

describe('resolveInside', () => {
  const root = path.resolve('/srv/workspace');
  it.each([
    ['.', root],
    ['sub/dir', path.join(root, 'sub/dir')],
    ['a/../b', path.join(root, 'b')],
  ])('resolves %s', (relative, expected) => {
    expect(resolveInside(root, relative)).toBe(expected);
  });
  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:\\Windows'])(
    'refuses %s',
    relative => {
      expect(() => resolveInside(root, relative)).toThrow(
        /not allowed|outside the workspace/,
      );
    },
  );
});
