import type { DeploymentStep, Strategy } from './types';

export const DEFAULT_CANARY_WEIGHTS = [10, 50, 100];
/** The share of instances (or traffic) each step of a rolling deploy moves. */
export const ROLLING_WEIGHTS = [25, 50, 75, 100];

/**
 * The steps of a deployment, as the seed's DeploymentManager runs them: deploy the new
 * version → health checks → smoke tests → switch or shift traffic (with analysis between
 * canary steps) → monitor → clean up.
 */
export function planSteps(
  strategy: Strategy,
  canaryWeights: number[] = DEFAULT_CANARY_WEIGHTS,
): DeploymentStep[] {
  const step = (id: string, name: string, weight?: number): DeploymentStep => ({
    id,
    name,
    status: 'pending',
    ...(weight !== undefined ? { weight } : {}),
  });
  const steps = [
    step('deploy', 'Deploy the new version'),
    step('health', 'Health checks'),
    step('smoke', 'Smoke tests'),
  ];
  if (strategy === 'blue-green') {
    steps.push(step('switch', 'Switch traffic to the new version', 100));
  } else if (strategy === 'canary') {
    for (const w of canaryWeights) {
      steps.push(step(`traffic-${w}`, `Shift ${w}% of traffic`, w));
      if (w < 100) steps.push(step(`analysis-${w}`, `Analysis at ${w}%`));
    }
  } else {
    for (const w of ROLLING_WEIGHTS) {
      steps.push(step(`rolling-${w}`, `Replace ${w}% of instances`, w));
    }
  }
  steps.push(step('monitor', 'Monitor for rollback triggers'));
  steps.push(step('cleanup', 'Clean up the old version'));
  return steps;
}

/** Canary weights must rise strictly and end at 100. */
export function validateCanaryWeights(weights: number[]): string | undefined {
  if (weights.length === 0) return 'at least one weight is needed';
  if (weights[weights.length - 1] !== 100) return 'the last weight must be 100';
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!Number.isInteger(w) || w < 1 || w > 100) {
      return `weight ${w} is not an integer between 1 and 100`;
    }
    if (i > 0 && w <= weights[i - 1]) return 'weights must rise strictly';
  }
  return undefined;
}

/**
 * What a rollback may go to: the versions that succeeded in the environment before,
 * newest first, once each, without the one running now. The first is the default (the
 * previous version).
 */
export function rollbackTargets<T extends { version: string }>(
  succeededNewestFirst: T[],
  currentVersion: string | undefined,
): T[] {
  const seen = new Set<string>();
  return succeededNewestFirst.filter(d => {
    if (d.version === currentVersion || seen.has(d.version)) return false;
    seen.add(d.version);
    return true;
  });
}
