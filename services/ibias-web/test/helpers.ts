import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import next from 'next';
import { createApp } from '../server/app';
import { loadConfig, prepareNextEnvironment } from '../server/config';
import { createLogger } from '../server/logger';
import { loadRouteLabeler } from '../server/routes';

/** The project folder (tests run from dist/test). */
export const projectDir = join(__dirname, '..', '..');

let nextApp: ReturnType<typeof next> | undefined;

/**
 * Starts the real, built Next.js app behind the IBIAS layer on a free loopback port
 * with the given environment variables (`npm test` builds first).
 */
export async function startApp(env: Record<string, string> = {}) {
  const config = loadConfig({ NODE_ENV: 'development', ...env }, '1.2.3');
  prepareNextEnvironment(config);
  if (!nextApp) {
    nextApp = next({ dev: false, dir: projectDir });
    await nextApp.prepare();
  }
  const logs: string[] = [];
  const app = createApp(config, {
    serviceName: 'test-web-app',
    handle: nextApp.getRequestHandler(),
    routeLabel: loadRouteLabeler(projectDir),
    logger: createLogger({ logLevel: 'debug' }, line => logs.push(line)),
  });
  await new Promise<void>(resolve =>
    app.server.listen(0, '127.0.0.1', resolve),
  );
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    logs,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        app.server.closeAllConnections();
        app.server.close(() => resolve());
      }),
  };
}

export async function closeNext() {
  await nextApp?.close();
  nextApp = undefined;
}

/**
 * Retries `check` until it passes or `timeoutMs` runs out. The server records a request
 * (its log line, its histogram sample) when the response has finished, which can come
 * just after the client has read the response.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 2000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  }
}
