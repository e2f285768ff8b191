// What validating every request against the OpenAPI document costs (issue 10), measured
// in one run, in process, on loopback HTTP with keep-alive:
//   npm run bench -- bench/deployments-contract.ts [requests]
// 1. Router: p50/p95 of GET /deployments?… and POST /deployments through the validated
//    router (createValidatedOpenApiRouterFromGeneratedEndpointMap with the generated spec
//    constant) vs a plain express router with the same trivial handlers (ratio = what the
//    validation adds per request). An invalid body must be a 400 from the validated one.
// 2. Service-side validation (assertValidInput: ajv compiled from the same document), the
//    check every caller — HTTP and MCP — goes through: µs per call vs JSON.parse of the
//    same body (ratio), so the figure has a yardstick.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createValidatedOpenApiRouterFromGeneratedEndpointMap } from '@backstage/backend-openapi-utils';
import {
  spec,
  type EndpointMap,
} from '../plugins/ibias-deployments-backend/src/schema/openapi.generated';
import { assertValidInput } from '../plugins/ibias-deployments-backend/src/schema/validateInput';

const requests = Number(process.argv[2] ?? 2000);
const body = {
  entityRef: 'component:default/ibias-api',
  environment: 'staging',
  version: '1.1.0',
  strategy: 'canary',
};
const deployment = {
  id: '2b1f0a52-6c55-4a0e-9f5c-0d0c6f1c8e11',
  ...body,
  status: 'queued',
};

function handlers(router: express.Router) {
  router.get('/deployments', (_req, res) => {
    res.json({ items: [deployment], nextCursor: null });
  });
  router.post('/deployments', (_req, res) => {
    res.status(202).json(deployment);
  });
  return router;
}

async function serve(router: express.Router) {
  const app = express();
  app.use(router);
  // What the backend's error middleware does: Backstage errors by name, others 500.
  app.use(
    (
      err: Error & { status?: number },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = err.status ?? (err.name === 'InputError' ? 400 : 500);
      res
        .status(status)
        .json({ error: { name: err.name, message: err.message } });
    },
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  return server;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function call(port: number, method: string, path: string, payload?: object) {
  return new Promise<{ status: number; ms: number }>((resolve, reject) => {
    const data = payload ? JSON.stringify(payload) : undefined;
    const started = process.hrtime.bigint();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: data
          ? {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(data),
            }
          : {},
      },
      res => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

async function measure(
  port: number,
  method: string,
  path: string,
  payload?: object,
) {
  for (let i = 0; i < 200; i++) await call(port, method, path, payload); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) {
    const r = await call(port, method, path, payload);
    if (r.status >= 400)
      throw new Error(`${method} ${path} answered ${r.status}`);
    ms.push(r.ms);
  }
  return { p50: pct(ms, 0.5), p95: pct(ms, 0.95) };
}

async function main() {
  const validated = await serve(
    handlers(
      createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>(spec, {
        middleware: [express.json({ limit: '64kb' })],
      }) as unknown as express.Router,
    ),
  );
  const plainRouter = express.Router();
  plainRouter.use(express.json({ limit: '64kb' }));
  const plain = await serve(handlers(plainRouter));
  const vPort = (validated.address() as AddressInfo).port;
  const pPort = (plain.address() as AddressInfo).port;

  const invalid = await call(vPort, 'POST', '/deployments', {
    ...body,
    version: 'latest',
  });
  if (invalid.status !== 400) {
    throw new Error(`an invalid body answered ${invalid.status}, not 400`);
  }

  const list =
    '/deployments?entityRef=component:default/ibias-api&environment=staging&status=succeeded,rolled_back&limit=50';
  const cases: Array<[string, string, string, object?]> = [
    ['GET  /deployments (query)', 'GET', list],
    ['POST /deployments (body)', 'POST', '/deployments', body],
  ];
  console.log(
    `requests per case: ${requests} (sequential, keep-alive, loopback)`,
  );
  for (const [name, method, path, payload] of cases) {
    const v = await measure(vPort, method, path, payload);
    const p = await measure(pPort, method, path, payload);
    console.log(
      `${name}: validated p50 ${v.p50.toFixed(3)} ms, p95 ${v.p95.toFixed(
        3,
      )} ms | ` +
        `plain p50 ${p.p50.toFixed(3)} ms, p95 ${p.p95.toFixed(3)} ms | ` +
        `ratio p50 ${(v.p50 / p.p50).toFixed(2)}, p95 ${(v.p95 / p.p95).toFixed(
          2,
        )}`,
    );
  }
  validated.close();
  plain.close();
  agent.destroy();

  const text = JSON.stringify(body);
  const rounds = requests * 50;
  let t = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    assertValidInput('DeployRequest', JSON.parse(text), 'request/body');
  }
  const validateUs = Number(process.hrtime.bigint() - t) / 1e3 / rounds;
  t = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < rounds; i++) sink += JSON.parse(text).version.length;
  const parseUs = Number(process.hrtime.bigint() - t) / 1e3 / rounds;
  console.log(
    `service-side validation (parse + assertValidInput DeployRequest): ${validateUs.toFixed(
      2,
    )} µs/call vs JSON.parse alone ${parseUs.toFixed(2)} µs (ratio ${(
      validateUs / parseUs
    ).toFixed(2)}; ${sink > 0 ? rounds : 0} calls)`,
  );
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
