/**
 * The IBIAS deployments backend plugin.
 *
 * @packageDocumentation
 */
export { ibiasDeploymentsPlugin as default } from './plugin';
