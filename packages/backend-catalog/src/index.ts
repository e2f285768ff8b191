/**
 * What the IBIAS backend plugins ask of the catalog the same way.
 *
 * @packageDocumentation
 */
export * from './owners';
