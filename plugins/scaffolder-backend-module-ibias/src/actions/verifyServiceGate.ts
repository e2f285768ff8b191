import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { resolveInside } from './inputs';
import {
  auditVerdict,
  capture,
  run,
  VerificationError,
  type CommandOptions,
} from './verifyServiceCommands';
import { startAndProbe } from './verifyServiceProbe';

/** What a build or install leaves behind; never copied back into the repository. */
const BUILD_OUTPUT = new Set([
  'node_modules',
  'dist',
  '.next',
  'next-env.d.ts',
]);

/**
 * The gate's work on its scratch copy `dir` of `source`: install, audit, format, lint,
 * type check, test, build, start and probe; on success the formatted files and the
 * resolved lockfile are copied back to `source`.
 */
export async function verifyCopy(options: {
  source: string;
  dir: string;
  npm: string;
  timeoutMs: number;
  rateLimitMax: number;
  entry: string;
  probePath: string;
  logger: LoggerService;
  signal?: AbortSignal;
}): Promise<{ passed: number; findings: string[] }> {
  const { source, dir, npm, logger, signal } = options;
  await fs.cp(source, dir, { recursive: true });
  const entryPath = resolveInside(dir, options.entry);
  const commandOptions: CommandOptions = {
    cwd: dir,
    logger,
    timeoutMs: options.timeoutMs,
    signal,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  };

  logger.info('Installing dependencies');
  await run(npm, ['install', '--no-audit', '--no-fund'], commandOptions);
  const auditFinding = await audit(npm, commandOptions);
  // User input (names, descriptions) lands in YAML and Markdown: format the new
  // repository with its own formatter once, so its CI's format check passes from the
  // first commit; then hold it to its own lint and format checks.
  logger.info('Formatting, linting and type checking');
  await run(npm, ['run', 'format', '--silent'], commandOptions);
  await run(npm, ['run', 'format:check'], commandOptions);
  await run(npm, ['run', 'lint'], commandOptions);
  await run(npm, ['run', 'typecheck'], commandOptions);
  logger.info('Running the tests');
  const testOutput = await run(npm, ['test'], commandOptions);
  const passed = Number(/ℹ pass (\d+)/.exec(testOutput)?.[1] ?? 0);
  const failed = Number(/ℹ fail (\d+)/.exec(testOutput)?.[1] ?? 0);
  if (passed === 0 || failed > 0) {
    throw new VerificationError(`Tests: ${passed} passed, ${failed} failed`);
  }

  logger.info('Starting the service');
  await run(npm, ['run', 'build', '--silent'], commandOptions);
  const findings = await startAndProbe({
    dir,
    entryPath,
    rateLimitMax: options.rateLimitMax,
    probePath: options.probePath,
    logger,
    signal,
  });
  // Keep the formatted files and the resolved lockfile: the repository is created
  // formatted and with exact versions.
  await fs.cp(dir, source, {
    recursive: true,
    filter: src => {
      const rel = path.relative(dir, src).split(path.sep)[0];
      return !BUILD_OUTPUT.has(rel) && !rel.endsWith('.tsbuildinfo');
    },
  });
  return { passed, findings: [auditFinding, ...findings] };
}

/** No known-vulnerable dependency at creation (moderate or worse). */
async function audit(npm: string, options: CommandOptions) {
  const verdict = auditVerdict(
    (await capture(npm, ['audit', '--json'], options)).stdout,
  );
  if (verdict.status === 'vulnerable') {
    throw new VerificationError(
      `Known-vulnerable dependencies: ${verdict.packages.join(', ')}`,
    );
  }
  if (verdict.status === 'clean') {
    return `dependency audit clean (${verdict.low} low)`;
  }
  options.logger.warn(
    `The registry's audit endpoint is unavailable (${verdict.reason}); the repository's CI runs npm audit`,
  );
  return `dependency audit not checked: ${verdict.reason}`;
}
