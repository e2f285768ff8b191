import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { allRules, readAiAlertSettings } from './alertSettings';

const HOUR = 3_600_000;
const read = (alerts?: JsonObject) =>
  readAiAlertSettings(
    new ConfigReader(alerts ? { ibias: { aiCosts: { alerts } } } : {}),
  );

describe('ibias.aiCosts.alerts', () => {
  it("defaults to the seed's rules: 10 s → scale, 5 % → fall back, $1,000 a day → notify", () => {
    const s = read();
    expect(s.enabled).toBe(true);
    expect(s.frequencyMs).toBe(5 * 60_000);
    expect(
      allRules(s).map(r => [
        r.id,
        r.action,
        r.threshold,
        r.windowMinutes,
        r.minSamples,
        r.cooldownMs / HOUR,
      ]),
    ).toEqual([
      ['ai_high_latency', 'scale', 10_000, 15, 20, 1],
      ['ai_high_error_rate', 'fallback', 0.05, 15, 20, 1],
      ['ai_high_cost', 'notify', 1000, 24 * 60, 1, 24],
      ['ai_cost_spike', 'notify', 3, 60, 1, 3],
      ['ai_deploy_cost', 'notify', 1.5, 24 * 60, 100, 1],
    ]);
    expect(s.seedRules[2].name).toBe('AI cost over $1,000 in a day');
    expect(s.spike.policy).toEqual({ ratio: 3, minimumDollars: 5 });
    expect(s.deployCost).toMatchObject({
      environment: 'production',
      windowMs: 24 * HOUR,
      lookbackMs: 7 * 24 * HOUR,
    });
  });

  it('takes a window, a cooldown for every rule, samples, ratios and a frequency', () => {
    const s = read({
      window: '6h',
      costThreshold: 250,
      cooldown: { minutes: 30 },
      minSamples: 50,
      deployCostRatio: 1.2,
      deployMinRequests: 500,
      deployWindow: 'PT12H',
      deployEnvironment: 'staging',
      spikeRatio: 4,
      spikeMinimumDollars: 20,
      frequency: '1m',
      enabled: false,
    });
    expect(s.enabled).toBe(false);
    expect(s.frequencyMs).toBe(60_000);
    expect(s.seedRules.map(r => r.minSamples)).toEqual([50, 50, 1]);
    expect(s.seedRules[2]).toMatchObject({
      name: 'AI cost over $250 in 6 h',
      threshold: 250,
      windowMinutes: 360,
    });
    expect(allRules(s).every(r => r.cooldownMs === 30 * 60_000)).toBe(true);
    expect(s.spike.policy).toEqual({ ratio: 4, minimumDollars: 20 });
    expect(s.deployCost).toMatchObject({
      threshold: 1.2,
      minRequests: 500,
      windowMs: 12 * HOUR,
      environment: 'staging',
    });
  });

  it.each<[JsonObject, number, number]>([
    [{ window: '2h', deployWindow: '3h' }, 2, 3],
    [{ window: { days: 2 }, deployWindow: { minutes: 120 } }, 48, 2],
    [{ window: 'PT31H' }, 31, 24],
  ])('takes windows of whole hours: %j', (alerts, window, deploy) => {
    const s = read(alerts);
    expect(s.seedRules[2].windowMinutes).toBe(window * 60);
    expect(s.deployCost.windowMs).toBe(deploy * HOUR);
    // The latency and error windows stay the seed's 15 minutes (read as in ruleWindowHours).
    expect(s.seedRules.slice(0, 2).map(r => r.windowMinutes)).toEqual([15, 15]);
  });

  it.each<[JsonObject, string]>([
    [
      { window: '30m' },
      'Invalid ibias.aiCosts.alerts.window: must be from 1 hour to 31 days',
    ],
    [{ window: '40d' }, 'Invalid ibias.aiCosts.alerts.window'],
    [{ minSamples: 0 }, 'Invalid ibias.aiCosts.alerts.minSamples'],
    [{ minSamples: 2.5 }, 'Invalid ibias.aiCosts.alerts.minSamples'],
    [{ costThreshold: 0 }, 'Invalid ibias.aiCosts.alerts.costThreshold'],
    [{ deployCostRatio: 1 }, 'Invalid ibias.aiCosts.alerts.deployCostRatio'],
    [{ spikeRatio: 0.5 }, 'Invalid ibias.aiCosts.alerts.spikeRatio'],
    [{ deployWindow: '8d' }, 'Invalid ibias.aiCosts.alerts.deployWindow'],
    [
      { window: '90m' },
      'Invalid ibias.aiCosts.alerts.window: must be a whole number of hours (the rollups are hourly), not 90 min',
    ],
    [
      { window: { hours: 24, minutes: 30 } },
      'Invalid ibias.aiCosts.alerts.window: must be a whole number of hours',
    ],
    [
      { deployWindow: 'PT1H30M' },
      'Invalid ibias.aiCosts.alerts.deployWindow: must be a whole number of hours',
    ],
    [
      { deployWindow: { minutes: 61 } },
      'Invalid ibias.aiCosts.alerts.deployWindow: must be a whole number of hours',
    ],
    [{ frequency: '10s' }, 'Invalid ibias.aiCosts.alerts.frequency'],
    [{ cooldown: 'soon' }, 'cooldown'],
  ])('refuses %j', (alerts, message) => {
    expect(() => read(alerts)).toThrow(message);
  });
});
