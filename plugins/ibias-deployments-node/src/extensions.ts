import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { DeployTarget, DeployTargetFactory } from './targets';

/**
 * Where a backend module adds a deploy target to IBIAS deployments. An environment
 * chooses one by name (`ibias.deployments.environments.<env>.target`), and a service
 * may choose its own there (`targetsByService`); the built-in
 * `local` and `kubernetes` targets are added the same way.
 */
export interface IbiasDeploymentTargetsExtensionPoint {
  /**
   * Adds a target, made already or by a factory (called only when an environment
   * or a service chooses it). Two targets with one name fail the plugin's start.
   */
  addTarget(target: DeployTarget | DeployTargetFactory): void;
}

/** See IbiasDeploymentTargetsExtensionPoint. */
export const ibiasDeploymentTargetsExtensionPoint =
  createExtensionPoint<IbiasDeploymentTargetsExtensionPoint>({
    id: 'ibias-deployments.targets',
  });
