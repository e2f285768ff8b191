/**
 * The IBIAS AI costs backend plugin.
 *
 * @packageDocumentation
 */
export { ibiasAiCostsPlugin as default } from './plugin';
