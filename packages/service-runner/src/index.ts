/**
 * Running code the portal did not write: an allow-listed environment, process groups
 * with timeouts and capped output, process identities that survive pid reuse, free
 * loopback ports, readiness waits and the probe of what a healthy IBIAS service is.
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
export {
  startUntrusted,
  signalProcessGroup,
  stopProcessGroup,
  runToEnd,
  seconds,
  ProcessRunError,
  ProcessTimeoutError,
  ProcessAbortedError,
  ProcessStartError,
  type StartUntrustedOptions,
  type RunToEndOptions,
  type RunToEndResult,
} from './runProcess';
export {
  waitUntilReady,
  ServiceNotReadyError,
  type WaitUntilReadyOptions,
} from './waitUntilReady';
export {
  REQUIRED_SECURITY_HEADERS,
  REQUIRED_METRICS,
  checkHealth,
  checkReady,
  checkSecurityHeaders,
  checkMetrics,
  checkRateLimit,
  serviceHealthChecks,
  serviceSmokeTests,
  type ServiceCheck,
  type ServiceProbeOptions,
} from './ibiasServiceProbe';
