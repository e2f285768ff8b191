import type { IbiasDeploymentTargetsExtensionPoint } from '@internal/plugin-ibias-deployments-node';
import {
  ENVIRONMENTS,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  DeployTargetFactory,
} from '@internal/plugin-ibias-deployments-node';

function isFactory(
  target: DeployTarget | DeployTargetFactory,
): target is DeployTargetFactory {
  return 'create' in target && typeof target.create === 'function';
}

/**
 * The deploy targets installed by name: the built-in ones and those backend modules add
 * through ibiasDeploymentTargetsExtensionPoint. At start each environment gets the one
 * its config names; a target is made once, and only when some environment uses it.
 */
export class DeployTargetRegistry
  implements IbiasDeploymentTargetsExtensionPoint
{
  private readonly factories = new Map<string, DeployTargetFactory>();

  addTarget(target: DeployTarget | DeployTargetFactory) {
    const factory = isFactory(target)
      ? target
      : { name: target.name, create: () => target };
    if (this.factories.has(factory.name)) {
      throw new Error(`A deploy target named ${factory.name} is added twice`);
    }
    this.factories.set(factory.name, factory);
  }

  /** Makes the targets `names` (environment → target name) choose. */
  async create(names: Record<EnvironmentName, string>): Promise<{
    byEnvironment: Record<EnvironmentName, DeployTarget>;
    /** Each target made, with the environments it deploys. */
    targets: Array<{ target: DeployTarget; environments: EnvironmentName[] }>;
  }> {
    const environmentsOf = new Map<string, EnvironmentName[]>();
    for (const environment of ENVIRONMENTS) {
      const name = names[environment];
      if (!this.factories.has(name)) {
        throw new Error(
          `ibias.deployments.environments.${environment}.target is ${name}, but no deploy target of that name is installed (installed: ${[
            ...this.factories.keys(),
          ].join(', ')})`,
        );
      }
      environmentsOf.set(name, [
        ...(environmentsOf.get(name) ?? []),
        environment,
      ]);
    }
    const byEnvironment = {} as Record<EnvironmentName, DeployTarget>;
    const targets = [];
    for (const [name, environments] of environmentsOf) {
      const target = await this.factories.get(name)!.create({ environments });
      for (const environment of environments) {
        byEnvironment[environment] = target;
      }
      targets.push({ target, environments });
    }
    return { byEnvironment, targets };
  }
}
