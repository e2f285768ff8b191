import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';

/** Starts the app on a free loopback port with the given environment variables. */
export async function startApp(env: Record<string, string> = {}) {
  const logs: string[] = [];
  const config = loadConfig({ NODE_ENV: 'development', ...env }, '1.2.3');
  const app = createApp(config, {
    serviceName: 'test-service',
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
      new Promise<void>(resolve => app.server.close(() => resolve())),
  };
}
