/**
 * What IBIAS services use to report their AI calls to the portal.
 *
 * @packageDocumentation
 */
export * from './reporter';
