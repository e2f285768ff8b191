import fs from 'node:fs';
import path from 'node:path';

// A tiny sample: /env shows what it was given, FAIL=1 makes API calls answer 500, and
// it passes the local target's health checks and smoke tests.
const server = `
const http = require('node:http');
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', "default-src 'none'");
    res.setHeader('strict-transport-security', 'max-age=63072000');
    if (req.url === '/env') return res.end(JSON.stringify(process.env));
    if (req.url === '/metrics') return res.end('http_request_duration_seconds_count 1');
    if (req.url === '/health' || req.url === '/ready')
      return res.end(JSON.stringify({ status: 'ok', version: process.env.SERVICE_VERSION }));
    res.statusCode = process.env.FAIL === '1' ? 500 : 200;
    res.end(JSON.stringify({ pid: process.pid, version: process.env.SERVICE_VERSION }));
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

/**
 * Writes a tiny real service into `dir` (no dependencies, so `npm ci` is quick) for the
 * local target's tests; its build writes the server the target starts.
 */
export function writeTinyService(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = { name: 'tiny', version: '1.0.0', private: true };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ ...pkg, scripts: { build: 'node build.js' } }),
  );
  fs.writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({
      ...pkg,
      lockfileVersion: 3,
      requires: true,
      packages: { '': pkg },
    }),
  );
  // The build records what environment it ran with (an install script could read it).
  fs.writeFileSync(
    path.join(dir, 'build.js'),
    `const fs = require('node:fs');
fs.mkdirSync('dist/src', { recursive: true });
fs.writeFileSync('dist/build-env.json', JSON.stringify(process.env));
fs.writeFileSync('dist/src/server.js', ${JSON.stringify(server)});`,
  );
}
