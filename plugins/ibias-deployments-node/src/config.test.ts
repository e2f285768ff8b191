import { ConfigReader } from '@backstage/config';
import { readReleaseManagers } from './config';

const withManagers = (releaseManagers?: string) =>
  new ConfigReader(
    releaseManagers === undefined
      ? {}
      : { ibias: { deployments: { releaseManagers } } },
  );

describe('readReleaseManagers (ibias.deployments.releaseManagers)', () => {
  it.each([
    [undefined, 'group:default/release-managers'],
    ['group:default/release-managers', 'group:default/release-managers'],
    ['Group:Default/Release-Managers', 'group:default/release-managers'],
    ['release-managers', 'group:default/release-managers'],
    ['ops/Release-Managers', 'group:ops/release-managers'],
    ['  group:default/sre  ', 'group:default/sre'],
  ])('%j reads as %s', (raw, expected) => {
    expect(readReleaseManagers(withManagers(raw))).toBe(expected);
  });

  it.each([
    ['a user', 'user:default/alice', /must name a group, got kind user/],
    ['not a ref', 'group:default/', /not an entity ref/],
  ])('refuses %s', (_l, raw, message) => {
    expect(() => readReleaseManagers(withManagers(raw))).toThrow(message);
  });
});
