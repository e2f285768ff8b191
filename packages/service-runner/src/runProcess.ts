import { spawn, type ChildProcess } from 'node:child_process';
import { untrustedEnv } from './untrustedEnv';

export interface StartUntrustedOptions {
  cwd: string;
  /** The caller's own settings (PORT, NODE_ENV, …), on top of the allow-listed environment. */
  env?: Record<string, string | undefined>;
  /** Whether stdout and stderr are piped to the caller (default both); the rest is dropped. */
  stdout?: boolean;
  stderr?: boolean;
}

/**
 * Starts code the portal did not write (install scripts, builds, tests, a release) with the
 * allow-listed environment (`untrustedEnv`), in a process group of its own so that it can
 * be stopped together with everything it started.
 */
export function startUntrusted(
  command: string,
  args: string[],
  options: StartUntrustedOptions,
): ChildProcess {
  return spawn(command, args, {
    cwd: options.cwd,
    env: untrustedEnv(options.env),
    stdio: [
      'ignore',
      options.stdout === false ? 'ignore' : 'pipe',
      options.stderr === false ? 'ignore' : 'pipe',
    ],
    detached: true,
  });
}

/** Milliseconds as seconds for messages: 1500 → 1.5, 30000 → 30. */
export function seconds(ms: number) {
  return Number((ms / 1000).toFixed(1));
}

function hasExited(child: ChildProcess) {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Signals a started child's whole process group. Once the child itself has exited, only
 * its group is signalled (what it left behind), never its pid alone: that may be reused.
 */
export function signalProcessGroup(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGKILL',
) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    if (!hasExited(child)) child.kill(signal);
  }
}

/** Stops a started child and its group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5_000) {
  if (!hasExited(child)) {
    const exited = new Promise<void>(resolve =>
      child.once('exit', () => resolve()),
    );
    signalProcessGroup(child, 'SIGTERM');
    const timer = setTimeout(
      () => signalProcessGroup(child, 'SIGKILL'),
      graceMs,
    );
    await exited;
    clearTimeout(timer);
  }
  signalProcessGroup(child, 'SIGKILL');
}

/** Why runToEnd gave up on a command (it never rejects for a non-zero exit code). */
export class ProcessRunError extends Error {
  name = 'ProcessRunError';
}

/** The command ran past its time; it and its group were killed. */
export class ProcessTimeoutError extends ProcessRunError {
  name = 'ProcessTimeoutError';
  constructor(readonly commandLine: string, readonly timeoutMs: number) {
    super(`'${commandLine}' did not finish within ${seconds(timeoutMs)} s`);
  }
}

/** The caller's signal aborted the command; it and its group were killed. */
export class ProcessAbortedError extends ProcessRunError {
  name = 'ProcessAbortedError';
}

/** The command could not be started at all (not found, not executable). */
export class ProcessStartError extends ProcessRunError {
  name = 'ProcessStartError';
}

export interface RunToEndOptions extends Omit<StartUntrustedOptions, 'stdout'> {
  /** Past this the command and its group are killed (ProcessTimeoutError). */
  timeoutMs: number;
  /** Aborting stops the command and its group (ProcessAbortedError). */
  signal?: AbortSignal;
  /** Each chunk of output as it comes (stdout and stderr), e.g. for a task log. */
  onOutput?(text: string): void;
  /** How many characters of output are kept, the latest (default 1,000,000). */
  maxOutputChars?: number;
}

export interface RunToEndResult {
  /** The exit code, or null when a signal ended the command. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout alone, then stdout and stderr as they came: the latest maxOutputChars of each. */
  stdout: string;
  output: string;
  /** Whether older output was dropped to stay within maxOutputChars. */
  truncated: boolean;
}

/**
 * Runs untrusted code until it exits, its time is up or the caller aborts. Whatever it
 * leaves running in its process group is killed when it ends. Resolves with the exit
 * code and the (capped) output, whatever the code.
 */
export function runToEnd(
  command: string,
  args: string[],
  options: RunToEndOptions,
): Promise<RunToEndResult> {
  const commandLine = [command, ...args].join(' ');
  const cap = options.maxOutputChars ?? 1_000_000;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new ProcessAbortedError(`'${commandLine}' was cancelled`));
      return;
    }
    const child = startUntrusted(command, args, options);
    let stdout = '';
    let output = '';
    let truncated = false;
    const keep = (kept: string, text: string) => {
      const joined = kept + text;
      if (joined.length <= cap) return joined;
      truncated = true;
      return joined.slice(-cap);
    };
    const onData = (isStdout: boolean) => (data: Buffer) => {
      const text = data.toString('utf8');
      if (isStdout) stdout = keep(stdout, text);
      output = keep(output, text);
      options.onOutput?.(text);
    };
    child.stdout?.on('data', onData(true));
    child.stderr?.on('data', onData(false));

    let settled = false;
    const cleanups: Array<() => void> = [];
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      settle();
    };
    const onAbort = () => {
      signalProcessGroup(child);
      finish(() =>
        reject(new ProcessAbortedError(`'${commandLine}' was cancelled`)),
      );
    };
    options.signal?.addEventListener('abort', onAbort);
    cleanups.push(() => options.signal?.removeEventListener('abort', onAbort));
    const timer = setTimeout(() => {
      signalProcessGroup(child);
      finish(() =>
        reject(new ProcessTimeoutError(commandLine, options.timeoutMs)),
      );
    }, options.timeoutMs);
    cleanups.push(() => clearTimeout(timer));
    child.on('error', error => {
      finish(() =>
        reject(
          new ProcessStartError(`Could not run ${command}: ${error.message}`),
        ),
      );
    });
    child.on('close', (exitCode, signal) => {
      // Whatever the command left running in its group goes with it.
      signalProcessGroup(child);
      finish(() => resolve({ exitCode, signal, stdout, output, truncated }));
    });
  });
}
