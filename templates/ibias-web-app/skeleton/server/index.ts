// Entry point: `npm start` builds, then serves the Next.js app on PORT (default 8080)
// behind the IBIAS baseline (server/app.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import next from 'next';
import { createApp } from './app';
import { loadConfig, prepareNextEnvironment } from './config';
import { loadRouteLabeler } from './routes';

const dir = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

async function main() {
  const config = loadConfig(process.env, pkg.version);
  prepareNextEnvironment(config);
  const nextApp = next({ dev: false, dir, port: config.port });
  await nextApp.prepare();
  const app = createApp(config, {
    serviceName: pkg.name,
    handle: nextApp.getRequestHandler(),
    routeLabel: loadRouteLabeler(dir),
  });
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
    app.server.close(() => process.exit(0));
    // Do not hang on keep-alive connections forever.
    setTimeout(() => process.exit(0), 10_000).unref();
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch(error => {
  process.stderr.write(
    `${JSON.stringify({
      level: 'error',
      message: 'failed to start',
      error: String(error),
    })}\n`,
  );
  process.exit(1);
});
