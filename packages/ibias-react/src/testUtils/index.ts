/**
 * Helpers for the tests of pages built from these parts (`@internal/ibias-react/testUtils`).
 *
 * @packageDocumentation
 */
export { chooseOption, optionNames } from './chooseOption';
