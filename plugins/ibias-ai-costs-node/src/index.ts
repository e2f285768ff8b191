/**
 * The permission resource of IBIAS AI costs — a team's spend — and its rules, for the
 * permission policy and the backend.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './usageKeys';
