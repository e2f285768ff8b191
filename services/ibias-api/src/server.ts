// Entry point: `npm start` listens on PORT (default 8080).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app';
import { loadConfig } from './config';

const pkg = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as { name: string; version: string };

const config = loadConfig(process.env, pkg.version);
const app = createApp(config, { serviceName: pkg.name });

app.server.listen(config.port, () => {
  app.logger.info('listening', {
    port: config.port,
    environment: config.environment,
    version: config.version,
  });
});

function shutdown(signal: string) {
  app.logger.info('shutting down', { signal });
  app.setReady(false);
  // AI usage not yet reported is sent before the process ends.
  app.server.close(
    () => void app.aiUsage.close().finally(() => process.exit(0)),
  );
  // Do not hang on keep-alive connections forever.
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
