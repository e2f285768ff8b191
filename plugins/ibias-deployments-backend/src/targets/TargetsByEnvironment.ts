import type { EnvironmentName } from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';

/**
 * Sends each call to the target configured for the environment
 * (`ibias.deployments.environments.<env>.target`), e.g. local for development and
 * staging, kubernetes for production.
 */
export class TargetsByEnvironment implements DeployTarget {
  constructor(
    private readonly targets: Record<EnvironmentName, DeployTarget>,
  ) {}

  get name() {
    return [...new Set(Object.values(this.targets).map(t => t.name))].join('+');
  }

  private of(ref: Pick<TargetRef, 'environment'>) {
    return this.targets[ref.environment];
  }

  cannotDeploy(ref: TargetRef) {
    return this.of(ref).cannotDeploy?.(ref);
  }
  versions(ref: TargetRef) {
    return this.of(ref).versions(ref);
  }
  deploy(ref: TargetRef, version: string) {
    return this.of(ref).deploy(ref, version);
  }
  healthChecks(ref: TargetRef, version: string) {
    return this.of(ref).healthChecks(ref, version);
  }
  smokeTests(ref: TargetRef, version: string) {
    return this.of(ref).smokeTests(ref, version);
  }
  setTraffic(
    ref: TargetRef,
    version: string,
    weight: number,
    stable: string | null,
  ) {
    return this.of(ref).setTraffic(ref, version, weight, stable);
  }
  metrics(ref: TargetRef, version: string, sinceMs: number) {
    return this.of(ref).metrics(ref, version, sinceMs);
  }
  setLoad(ref: TargetRef, on: boolean) {
    return this.of(ref).setLoad(ref, on);
  }
  retain(ref: TargetRef, keep: string | null) {
    return this.of(ref).retain(ref, keep);
  }
  traffic(ref: TargetRef) {
    return this.of(ref).traffic(ref);
  }
  async trafficHistory(
    ref: TargetRef,
    range: { fromMs: number; toMs: number; stepMs: number },
  ) {
    return this.of(ref).trafficHistory?.(ref, range);
  }
  async health(ref: TargetRef) {
    return (await this.of(ref).health?.(ref)) ?? 'unknown';
  }
  url(ref: TargetRef) {
    return this.of(ref).url?.(ref);
  }
  endpoints(ref: TargetRef) {
    return this.of(ref).endpoints?.(ref) ?? [];
  }
}
