import type { Deployment } from './types';

/** The signals channel the backend publishes every deployment change on. */
export const DEPLOYMENTS_SIGNAL_CHANNEL = 'ibias-deployments';

/**
 * What a browser hears on {@link DEPLOYMENTS_SIGNAL_CHANNEL}: which deployment changed
 * and its status now; it fetches the rest. (A type alias, not an interface, so it is a
 * JsonObject for the signals service.)
 */
export type DeploymentsSignal = Pick<
  Deployment,
  'id' | 'entityRef' | 'environment' | 'status'
>;
