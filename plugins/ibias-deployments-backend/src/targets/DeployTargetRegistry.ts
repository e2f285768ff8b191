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
 * its config names (and a service its own, by targetsByService); a target is made once,
 * and only when some environment or service uses it.
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

  /**
   * Makes every target the config names, each once: the environments' own (`names`,
   * environment → target name) and the per-service ones (`byService`, environment →
   * lowercased entity ref → target name). Each target learns every environment it
   * deploys in, whether for all services there or for some.
   */
  async create(
    names: Record<EnvironmentName, string>,
    byService: Partial<Record<EnvironmentName, Record<string, string>>> = {},
    context: Omit<
      Parameters<DeployTargetFactory['create']>[0],
      'environments'
    > = {},
  ): Promise<{
    byEnvironment: Record<EnvironmentName, DeployTarget>;
    /** Environment → lowercased entity ref → the target that deploys it there. */
    byService: Record<EnvironmentName, Record<string, DeployTarget>>;
    /** Each target made, with the environments it deploys (in). */
    targets: Array<{ target: DeployTarget; environments: EnvironmentName[] }>;
  }> {
    const environmentsOf = new Map<string, EnvironmentName[]>();
    const use = (name: string, environment: EnvironmentName, key: string) => {
      if (!this.factories.has(name)) {
        throw new Error(
          `ibias.deployments.environments.${environment}.${key} is ${name}, but no deploy target of that name is installed (installed: ${[
            ...this.factories.keys(),
          ].join(', ')})`,
        );
      }
      const environments = environmentsOf.get(name) ?? [];
      if (!environments.includes(environment)) {
        environmentsOf.set(name, [...environments, environment]);
      }
    };
    // Everything is checked before any target is made.
    for (const environment of ENVIRONMENTS) {
      use(names[environment], environment, 'target');
    }
    for (const environment of ENVIRONMENTS) {
      for (const [ref, name] of Object.entries(byService[environment] ?? {})) {
        use(name, environment, `targetsByService.${ref}`);
      }
    }
    const made = new Map<string, DeployTarget>();
    const targets = [];
    for (const [name, environments] of environmentsOf) {
      const target = await this.factories.get(name)!.create({
        ...context,
        environments,
      });
      made.set(name, target);
      targets.push({ target, environments });
    }
    const byEnvironment = {} as Record<EnvironmentName, DeployTarget>;
    const byServiceTargets = {} as Record<
      EnvironmentName,
      Record<string, DeployTarget>
    >;
    for (const environment of ENVIRONMENTS) {
      byEnvironment[environment] = made.get(names[environment])!;
      byServiceTargets[environment] = Object.fromEntries(
        Object.entries(byService[environment] ?? {}).map(([ref, name]) => [
          ref,
          made.get(name)!,
        ]),
      );
    }
    return { byEnvironment, byService: byServiceTargets, targets };
  }
}
