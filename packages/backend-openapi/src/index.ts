/**
 * How the IBIAS backend plugins word a request that does not match their OpenAPI
 * document.
 *
 * @packageDocumentation
 */
export * from './requestValidation';
