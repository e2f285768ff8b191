// The deploy target interface lives in @internal/plugin-ibias-deployments-node, so a
// backend module can implement a target without depending on this plugin.
export type {
  DeployTarget,
  DeployTargetFactory,
  ProbeResult,
  RunningRelease,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';
