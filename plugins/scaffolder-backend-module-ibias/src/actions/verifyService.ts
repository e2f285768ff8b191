import fs from 'node:fs/promises';
import path from 'node:path';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { resolveInside } from './inputs';
import { verifyCopy } from './verifyServiceGate';

/**
 * The verification gate: installs the generated service in a scratch copy, runs its
 * tests, starts it and probes /health, /metrics, the security headers and the rate limit.
 * Any failure fails the task with the reason; the lockfile it resolved is kept.
 */
export function createVerifyServiceAction(options: {
  npmCommand?: string;
  timeoutMs?: number;
}) {
  const npm = options.npmCommand ?? 'npm';
  const timeoutMs = options.timeoutMs ?? 300_000;
  return createTemplateAction({
    id: 'ibias:service:verify',
    description:
      'Installs the generated service, runs its tests, starts it and probes health, metrics, headers and rate limit',
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .default('.')
            .describe('The service folder in the workspace'),
        rateLimitMax: z => z.number().int().min(1).max(100).default(5),
        entry: z =>
          z
            .string()
            .regex(/^[\w./-]+\.js$/)
            .refine(p => !p.split('/').includes('..'), 'must not contain ..')
            .default('dist/src/server.js')
            .describe('The built entry point `npm run build` produces'),
        probePath: z =>
          z
            .string()
            .regex(/^\/[\w./-]*$/)
            .default('/api/v1/echo')
            .describe(
              'A rate-limited endpoint accepting POST {"message": string} as JSON',
            ),
      },
      output: {
        summary: z => z.string(),
        testsPassed: z => z.number(),
        durationSeconds: z => z.number(),
      },
    },
    async handler(ctx) {
      // Schema defaults are documentation only: the scaffolder does not apply them.
      const source = resolveInside(ctx.workspacePath, ctx.input.path ?? '.');
      const rateLimitMax = ctx.input.rateLimitMax ?? 5;
      const entry = ctx.input.entry ?? 'dist/src/server.js';
      const probePath = ctx.input.probePath ?? '/api/v1/echo';
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: verification skipped');
        ctx.output('summary', 'skipped (dry run)');
        ctx.output('testsPassed', 0);
        ctx.output('durationSeconds', 0);
        return;
      }
      const started = Date.now();
      // The scratch copy is removed whatever happens: the scaffolder only removes a
      // step's temporary folders when the step succeeds.
      const dir = path.join(await ctx.createTemporaryDirectory(), 'service');
      try {
        const result = await verifyCopy({
          source,
          dir,
          npm,
          timeoutMs,
          rateLimitMax,
          entry,
          probePath,
          logger: ctx.logger,
          signal: ctx.signal,
        });
        const seconds = Math.round((Date.now() - started) / 1000);
        const summary = [
          `Verified in ${seconds} s: ${result.passed} tests passed`,
          'lint, format and type check clean',
          ...result.findings,
        ].join('; ');
        ctx.logger.info(summary);
        ctx.output('summary', summary);
        ctx.output('testsPassed', result.passed);
        ctx.output('durationSeconds', seconds);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  });
}
