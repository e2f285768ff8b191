/**
 * IBIAS deployments: the Deployments entity tab and the portal-wide deployments page.
 *
 * @packageDocumentation
 */
export { ibiasDeploymentsPlugin as default } from './plugin';
export * from './api';
export { IbiasDeploymentsClient } from './client';
