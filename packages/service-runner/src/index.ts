/**
 * Running code the portal did not write: an allow-listed environment, process
 * identities that survive pid reuse, free loopback ports.
 *
 * @packageDocumentation
 */
export {
  untrustedEnv,
  UNTRUSTED_ENV_ALLOWED,
  UNTRUSTED_NPM_SETTINGS,
} from './untrustedEnv';
export {
  processIdentity,
  isSameProcess,
  isProcessIdentity,
  type ProcessIdentity,
} from './processIdentity';
export { freePort } from './freePort';
