// Writes the embedded Prometheus's files (prometheus.yml, rules.yml, the scrape token)
// into <dir>, from the portal's configuration read as the backend reads it: the same
// --config arguments, APP_CONFIG_ variables and ${...} substitutions, from the folder
// the backend runs in. Called by scripts/prometheus-embedded.sh:
//   node --require @backstage/cli/config/nodeTransform.cjs \
//     scripts/prometheus-embedded-config.ts <dir> [--config <file>]...
// Prints one line per warning on stderr; exits non-zero when nothing could be written.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigSources } from '@backstage/config-loader';
import { writeEmbeddedPrometheusFiles } from '../plugins/ibias-metrics-backend/src/prometheus/embeddedPrometheus';

async function main() {
  const [dir, ...argv] = process.argv.slice(2);
  if (!dir)
    throw new Error(
      'usage: prometheus-embedded-config.ts <dir> [--config <file>]...',
    );
  const root = path.resolve(__dirname, '..');
  const source = ConfigSources.default({ argv, rootDir: root });
  const config = await ConfigSources.toConfig(source);
  try {
    const version: unknown = JSON.parse(
      fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
    ).version;
    const result = await writeEmbeddedPrometheusFiles({
      config,
      dir: path.resolve(dir),
      backendDir: process.cwd(),
      // The portal as a service among the others (catalog-info.yaml at the root).
      portalLabels: {
        ibias_entity: 'component:default/ibias-portal',
        ibias_service: 'ibias-portal',
        ibias_environment: 'local',
        version: typeof version === 'string' ? version : 'unknown',
      },
    });
    for (const warning of result.warnings) process.stderr.write(`${warning}\n`);
    process.stdout.write(`${result.configFile}\n`);
  } finally {
    config.close();
  }
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
