import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ProcessAbortedError,
  ProcessRunError,
  runToEnd,
} from '@internal/ibias-service-runner';

/** Why the verification gate failed; its message is what the task says. */
export class VerificationError extends Error {
  name = 'VerificationError';
}

export const CANCELLED = 'The task was cancelled';

export interface CommandOptions {
  cwd: string;
  /** The tool's own settings, on top of the allow-listed environment. */
  env?: Record<string, string>;
  logger: LoggerService;
  timeoutMs: number;
  /** The task's cancel signal: the command and everything it started are stopped. */
  signal?: AbortSignal;
}

/** The shared runner's verdicts, as the gate words them. */
function asVerificationError(error: unknown) {
  if (error instanceof ProcessAbortedError) {
    return new VerificationError(CANCELLED);
  }
  if (error instanceof ProcessRunError) {
    return new VerificationError(error.message);
  }
  return error;
}

/** Runs a command, streaming its output to the task log; resolves with its output. */
export async function run(
  command: string,
  args: string[],
  options: CommandOptions,
) {
  const result = await runToEnd(command, args, {
    ...options,
    onOutput: text => {
      for (const line of text.split('\n')) {
        if (line.trim()) options.logger.info(line);
      }
    },
  }).catch(error => {
    throw asVerificationError(error);
  });
  if (result.exitCode !== 0) {
    throw new VerificationError(
      `'${command} ${args.join(' ')}' failed with exit code ${result.exitCode}`,
    );
  }
  return result.output;
}

/**
 * Runs a command and resolves with its exit code and stdout, whatever the code (an audit
 * that cannot reach its endpoint is an answer too); only a cancel rejects.
 */
export async function capture(
  command: string,
  args: string[],
  options: CommandOptions,
) {
  return runToEnd(command, args, {
    ...options,
    stderr: false,
    // An audit report of a large tree is big; a cut one would read as no report.
    maxOutputChars: 32_000_000,
  }).catch(error => {
    if (options.signal?.aborted) throw asVerificationError(error);
    return { exitCode: null, stdout: '' };
  });
}

export type AuditVerdict =
  | { status: 'clean'; low: number }
  | { status: 'vulnerable'; packages: string[] }
  | { status: 'unavailable'; reason: string };

/**
 * Reads `npm audit --json`: vulnerable (moderate or worse), clean, or unavailable when the
 * registry's audit endpoint cannot be reached (as on the development machines here, whose
 * registry mirror does not serve it).
 */
export function auditVerdict(stdout: string): AuditVerdict {
  let report: {
    metadata?: { vulnerabilities?: Record<string, number> };
    vulnerabilities?: Record<string, { severity?: string }>;
    message?: string;
    error?: { summary?: string };
  };
  try {
    report = JSON.parse(stdout);
  } catch {
    return { status: 'unavailable', reason: 'npm audit printed no report' };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    return {
      status: 'unavailable',
      reason:
        report.message || report.error?.summary || 'npm audit gave no report',
    };
  }
  const serious = ['moderate', 'high', 'critical'];
  const packages = Object.entries(report.vulnerabilities ?? {})
    .filter(([, v]) => serious.includes(v.severity ?? ''))
    .map(([name, v]) => `${name} (${v.severity})`);
  const total = serious.reduce((n, level) => n + (counts[level] ?? 0), 0);
  if (total > 0 || packages.length > 0) {
    return { status: 'vulnerable', packages };
  }
  return { status: 'clean', low: (counts.low ?? 0) + (counts.info ?? 0) };
}
