import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A loopback Kubernetes API server (no real one can run on these machines) that behaves
// like one where the Kubernetes target depends on it: Deployments and Services under
// their API paths, bearer-token auth, resourceVersion on every write with 409 Conflict
// for a stale one, metadata.generation bumped on spec changes, and a controller that
// rolls a Deployment out after a delay (status.observedGeneration, ready/updated
// replicas), as `kubectl rollout status` reads it.

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
  };
  spec: any;
  status?: any;
};

export async function startLoopbackKubernetes(options: {
  token: string;
  rolloutDelayMs?: number;
}) {
  let version = 100;
  const store = new Map<string, Obj>(); // `${kind}/${ns}/${name}`
  const conflicts = new Set<string>();
  const requests: string[] = [];
  const nextVersion = () => String(++version);

  const status = (code: number, reason: string, message: string) => ({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message,
    reason,
    code,
  });

  function rollout(key: string) {
    setTimeout(() => {
      const obj = store.get(key);
      if (!obj) return;
      obj.status = {
        observedGeneration: obj.metadata.generation,
        replicas: obj.spec.replicas,
        updatedReplicas: obj.spec.replicas,
        readyReplicas: obj.spec.replicas,
        availableReplicas: obj.spec.replicas,
      };
      obj.metadata.resourceVersion = nextVersion(); // status writes bump it too
    }, options.rolloutDelayMs ?? 50);
  }

  const server = http.createServer(async (req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    requests.push(`${req.method} ${req.url}`);
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      send(401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const m =
      /^\/(?:apis\/apps\/v1|api\/v1)\/namespaces\/([^/]+)\/(deployments|services)(?:\/([^/?]+))?$/.exec(
        req.url ?? '',
      );
    if (!m) {
      send(
        404,
        status(404, 'NotFound', `the server could not find ${req.url}`),
      );
      return;
    }
    const [, ns, plural, name] = m;
    const kind = plural === 'deployments' ? 'Deployment' : 'Service';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length
      ? JSON.parse(Buffer.concat(chunks).toString())
      : undefined;
    const key = (n: string) => `${kind}/${ns}/${n}`;

    if (req.method === 'POST' && !name) {
      const n = body.metadata.name;
      if (store.has(key(n))) {
        send(
          409,
          status(409, 'AlreadyExists', `${plural} "${n}" already exists`),
        );
        return;
      }
      const obj: Obj = {
        ...body,
        metadata: {
          ...body.metadata,
          namespace: ns,
          resourceVersion: nextVersion(),
          generation: 1,
        },
        status: kind === 'Deployment' ? { observedGeneration: 0 } : undefined,
      };
      store.set(key(n), obj);
      if (kind === 'Deployment') rollout(key(n));
      send(201, obj);
      return;
    }
    const current = name ? store.get(key(name)) : undefined;
    if (name && !current) {
      send(404, status(404, 'NotFound', `${plural} "${name}" not found`));
      return;
    }
    if (req.method === 'GET') {
      send(
        200,
        name
          ? current
          : {
              kind: `${kind}List`,
              items: [...store.values()].filter(o => o.kind === kind || kind),
            },
      );
      return;
    }
    if (req.method === 'PUT' && current) {
      if (
        conflicts.delete(name!) ||
        body.metadata.resourceVersion !== current.metadata.resourceVersion
      ) {
        send(
          409,
          status(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          ),
        );
        return;
      }
      const specChanged =
        JSON.stringify(body.spec) !== JSON.stringify(current.spec);
      const updated: Obj = {
        ...body,
        metadata: {
          ...body.metadata,
          resourceVersion: nextVersion(),
          generation:
            (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
        },
        status: current.status,
      };
      store.set(key(name!), updated);
      if (kind === 'Deployment' && specChanged) rollout(key(name!));
      send(200, updated);
      return;
    }
    if (req.method === 'DELETE' && current) {
      store.delete(key(name!));
      send(200, status(200, 'Success', 'deleted'));
      return;
    }
    send(
      405,
      status(405, 'MethodNotAllowed', `${req.method} is not supported here`),
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    /** The next PUT of this object answers 409, as if a controller wrote first. */
    conflictNext: (name: string) => conflicts.add(name),
    get: (kind: 'Deployment' | 'Service', ns: string, name: string) =>
      store.get(`${kind}/${ns}/${name}`),
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}
