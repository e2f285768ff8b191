import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * Runs every step of one evaluation round, each whatever the others did (a KPI query
 * that fails must not silence the service alerts), logs each failure under its step's
 * name, and throws once at the end naming the steps that failed, so the scheduler
 * records the round as failed.
 */
export async function evaluationRound(
  steps: Array<{ name: string; run: () => Promise<void> }>,
  logger: LoggerService,
): Promise<void> {
  const failed: string[] = [];
  for (const step of steps) {
    try {
      await step.run();
    } catch (error) {
      failed.push(step.name);
      logger.error(
        `Alert evaluation: ${step.name} failed`,
        error instanceof Error ? error : new Error(String(error)),
      );
    }
  }
  if (failed.length > 0) {
    throw new Error(`Alert evaluation: ${failed.join(', ')} failed`);
  }
}

/**
 * Runs every item in turn (each alert's compare-and-set is its own transaction), each
 * whatever the others did; throws naming those that failed.
 */
export async function eachSettled<T>(
  items: T[],
  name: (item: T) => string,
  run: (item: T) => Promise<void>,
): Promise<void> {
  const failed: Array<{ item: T; error: unknown }> = [];
  for (const item of items) {
    try {
      await run(item);
    } catch (error) {
      failed.push({ item, error });
    }
  }
  if (failed.length > 0) {
    const { error } = failed[0];
    throw new Error(
      `${failed.map(f => name(f.item)).join(', ')} failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}
