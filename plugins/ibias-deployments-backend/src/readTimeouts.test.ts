import { ConfigReader } from '@backstage/config';
import { DEFAULT_TIMEOUTS, readTimeouts } from './plugin';

describe('readTimeouts (ibias.deployments.timeouts)', () => {
  it('refuses a zero timeout', () => {
    expect(() =>
      readTimeouts(
        new ConfigReader({
          ibias: { deployments: { timeouts: { probe: { seconds: 0 } } } },
        }),
      ),
    ).toThrow('ibias.deployments.timeouts.probe must be positive');
  });

  it('has defaults', () => {
    expect(readTimeouts(new ConfigReader({}))).toEqual({
      step: 600_000,
      probe: 5_000,
      upstream: 30_000,
      ready: 30_000,
      kubernetesRequest: 30_000,
    });
    expect(DEFAULT_TIMEOUTS.step).toBe(600_000);
  });

  it('reads durations as objects and strings', () => {
    expect(
      readTimeouts(
        new ConfigReader({
          ibias: {
            deployments: {
              timeouts: {
                step: { minutes: 2 },
                upstream: '10s',
                probe: 'PT1S',
              },
            },
          },
        }),
      ),
    ).toMatchObject({ step: 120_000, upstream: 10_000, probe: 1_000 });
  });
});
