import type {
  EnvironmentName,
  Strategy,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';

/**
 * Sends each call to the target of the service in its environment: the one
 * `ibias.deployments.environments.<env>.targetsByService` names for that entity, else
 * the environment's (`ibias.deployments.environments.<env>.target`), e.g. local for
 * development and staging, kubernetes for production, and ibias-web on vercel in all
 * three. (The name stayed from when only environments chose.)
 */
export class TargetsByEnvironment implements DeployTarget {
  /** Environment → lowercased entity ref → target. */
  private readonly byService: Partial<
    Record<EnvironmentName, Map<string, DeployTarget>>
  > = {};

  constructor(
    private readonly targets: Record<EnvironmentName, DeployTarget>,
    byService: Partial<
      Record<EnvironmentName, Record<string, DeployTarget>>
    > = {},
  ) {
    for (const [environment, refs] of Object.entries(byService)) {
      this.byService[environment as EnvironmentName] = new Map(
        Object.entries(refs ?? {}).map(([ref, target]) => [
          ref.toLocaleLowerCase('en-US'),
          target,
        ]),
      );
    }
  }

  get name() {
    const all = [
      ...Object.values(this.targets),
      ...Object.values(this.byService).flatMap(m => [...(m?.values() ?? [])]),
    ];
    return [...new Set(all.map(t => t.name))].join('+');
  }

  /** The target that deploys this service in this environment. */
  targetOf(ref: Pick<TargetRef, 'environment' | 'entityRef'>): DeployTarget {
    return (
      this.byService[ref.environment]?.get(
        ref.entityRef.toLocaleLowerCase('en-US'),
      ) ?? this.targets[ref.environment]
    );
  }

  private of(ref: Pick<TargetRef, 'environment' | 'entityRef'>) {
    return this.targetOf(ref);
  }

  nameFor(ref: Pick<TargetRef, 'environment' | 'entityRef'>) {
    return this.of(ref).name;
  }

  cannotDeploy(ref: TargetRef) {
    return this.of(ref).cannotDeploy?.(ref);
  }
  refusesStrategy(ref: TargetRef, strategy: Strategy) {
    return this.of(ref).refusesStrategy?.(ref, strategy);
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
