/**
 * How the IBIAS backend plugins outlive a fault of what they depend on.
 *
 * @packageDocumentation
 */
export * from './databaseFaults';
export * from './within';
