import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeError,
  DEPLOYMENT,
  failure,
  invalidStatus,
  SERVICE,
  validateDeployment,
  validateDeploymentUpdate,
  validateService,
  validateServiceUpdate,
  type FieldError,
  type Status,
} from './validation';

// A loopback Kubernetes API server (no real one can run on these machines) that behaves
// like one where the portal depends on it: Deployments and Services under their API
// paths, bearer-token auth, the server's validation with its status and wording (422
// Invalid with causes, 400 for bodies it cannot decode or that name another namespace or
// object), resourceVersion on every write with 409 Conflict for a stale one,
// metadata.generation bumped on spec changes, and a controller that rolls a Deployment
// out after a delay (status.observedGeneration, ready/updated replicas), as
// `kubectl rollout status` reads it.

type Kind = 'Deployment' | 'Service';
type Answer = [number, LoopbackObject | Status | object];

/** A stored object: what the server answers a GET with. */
export interface LoopbackObject {
  apiVersion: string;
  kind: Kind;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: any;
  status?: any;
}

export interface LoopbackKubernetesOptions {
  /** The bearer token every request must carry. */
  token: string;
  /** How long the controller takes to roll a Deployment out (default 50 ms). */
  rolloutDelayMs?: number;
}

const resources = {
  deployments: {
    kind: 'Deployment' as const,
    apiVersion: 'apps/v1',
    groupKind: DEPLOYMENT,
    groupResource: 'deployments.apps',
  },
  services: {
    kind: 'Service' as const,
    apiVersion: 'v1',
    groupKind: SERVICE,
    groupResource: 'services',
  },
};

/** What the server fills in before it validates (the parts these manifests rely on). */
function withDefaults(kind: Kind, body: any) {
  const spec = body.spec && typeof body.spec === 'object' ? body.spec : {};
  if (kind === 'Deployment') {
    return { ...body, spec: { replicas: 1, ...spec } };
  }
  const ports = Array.isArray(spec.ports)
    ? spec.ports.map((p: any) =>
        p && typeof p === 'object'
          ? { protocol: 'TCP', targetPort: p.port, ...p }
          : p,
      )
    : spec.ports;
  return {
    ...body,
    spec: { type: 'ClusterIP', ...spec, ...(ports ? { ports } : {}) },
  };
}

/** Starts the server on a free loopback port. */
export async function startLoopbackKubernetes(
  options: LoopbackKubernetesOptions,
) {
  let version = 100;
  const store = new Map<string, LoopbackObject>(); // `${kind}/${ns}/${name}`
  const conflicts = new Set<string>();
  const requests: string[] = [];
  const nextVersion = () => String(++version);

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

  /** The status code and body a real server would answer the request with. */
  async function answer(req: http.IncomingMessage): Promise<Answer> {
    const send = (code: number, body: Answer[1]): Answer => [code, body];
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return send(401, failure(401, 'Unauthorized', 'Unauthorized'));
    }
    const m =
      /^\/(apis\/apps\/v1|api\/v1)\/namespaces\/([^/]+)\/(deployments|services)(?:\/([^/?]+))?(?:\?.*)?$/.exec(
        req.url ?? '',
      );
    const resource =
      m &&
      ((m[1] === 'apis/apps/v1' && m[3] === 'deployments') ||
        (m[1] === 'api/v1' && m[3] === 'services'))
        ? resources[m[3] as keyof typeof resources]
        : undefined;
    if (!m || !resource) {
      return send(
        404,
        failure(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
    }
    const [, , ns, plural, name] = m;
    const { kind, groupResource, groupKind } = resource;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: any;
    if (chunks.length) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch (e) {
        return send(
          400,
          failure(
            400,
            'BadRequest',
            `json: ${(e as Error).message.replace(/^JSON\.parse: /, '')}`,
          ),
        );
      }
    }
    const key = (n: string) => `${kind}/${ns}/${n}`;
    const notFound = (n: string) =>
      failure(404, 'NotFound', `${groupResource} "${n}" not found`, {
        name: n,
        ...(groupKind.group ? { group: groupKind.group } : {}),
        kind: plural,
      });

    /** The body decoded and defaulted, or the Status that refuses it. */
    const admit = (): LoopbackObject | Status => {
      const undecodable = decodeError(kind, body);
      if (undecodable) return failure(400, 'BadRequest', undecodable);
      if (body.apiVersion && body.apiVersion !== resource.apiVersion) {
        return failure(
          400,
          'BadRequest',
          `the API version in the data (${body.apiVersion}) does not match the expected API version (${resource.apiVersion})`,
        );
      }
      const meta = body.metadata ?? {};
      if (meta.namespace && meta.namespace !== ns) {
        return failure(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      if (name && meta.name && meta.name !== name) {
        return failure(
          400,
          'BadRequest',
          `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
        );
      }
      return withDefaults(kind, {
        ...body,
        apiVersion: resource.apiVersion,
        kind,
        metadata: { ...meta, namespace: ns },
      });
    };
    const isStatus = (o: LoopbackObject | Status): o is Status =>
      o.kind === 'Status';
    const refusal = (
      obj: LoopbackObject,
      errors: FieldError[],
    ): Answer | undefined =>
      errors.length
        ? send(422, invalidStatus(groupKind, obj.metadata.name ?? '', errors))
        : undefined;

    if (req.method === 'POST' && !name) {
      const obj = admit();
      if (isStatus(obj)) return send(obj.code, obj);
      if (obj.metadata.resourceVersion) {
        return send(
          400,
          failure(
            400,
            'BadRequest',
            'resourceVersion should not be set on objects to be created',
          ),
        );
      }
      const validate =
        kind === 'Deployment' ? validateDeployment : validateService;
      const refused = refusal(obj, validate(obj));
      if (refused) return refused;
      const n = obj.metadata.name;
      if (store.has(key(n))) {
        return send(
          409,
          failure(
            409,
            'AlreadyExists',
            `${groupResource} "${n}" already exists`,
            {
              name: n,
              ...(groupKind.group ? { group: groupKind.group } : {}),
              kind: plural,
            },
          ),
        );
      }
      const created: LoopbackObject = {
        ...obj,
        metadata: {
          ...obj.metadata,
          uid: randomUUID(),
          resourceVersion: nextVersion(),
          creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          ...(kind === 'Deployment' ? { generation: 1 } : {}),
        },
        status:
          kind === 'Deployment'
            ? { observedGeneration: 0 }
            : { loadBalancer: {} },
      };
      store.set(key(n), created);
      if (kind === 'Deployment') rollout(key(n));
      return send(201, created);
    }
    const current = name ? store.get(key(name)) : undefined;
    if (name && !current) return send(404, notFound(name));
    if (req.method === 'GET') {
      return send(
        200,
        current ?? {
          kind: `${kind}List`,
          apiVersion: resource.apiVersion,
          metadata: { resourceVersion: String(version) },
          items: [...store.entries()]
            .filter(([k]) => k.startsWith(`${kind}/${ns}/`))
            .map(([, o]) => o),
        },
      );
    }
    if (req.method === 'PUT' && current) {
      const obj = admit();
      if (isStatus(obj)) return send(obj.code, obj);
      // An update without a resourceVersion is unconditional, as for these kinds on a
      // real server; with one, it must be the current one (checked before validation).
      const wanted = obj.metadata.resourceVersion;
      if (
        conflicts.delete(name!) ||
        (wanted && wanted !== current.metadata.resourceVersion)
      ) {
        return send(
          409,
          failure(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${groupResource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            {
              name,
              ...(groupKind.group ? { group: groupKind.group } : {}),
              kind: plural,
            },
          ),
        );
      }
      const errors =
        kind === 'Deployment'
          ? validateDeploymentUpdate(obj, current)
          : validateServiceUpdate(obj, current);
      const refused = refusal(obj, errors);
      if (refused) return refused;
      const specChanged =
        JSON.stringify(obj.spec) !== JSON.stringify(current.spec);
      const updated: LoopbackObject = {
        ...obj,
        metadata: {
          ...obj.metadata,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
          resourceVersion: nextVersion(),
          ...(kind === 'Deployment'
            ? {
                generation:
                  (current.metadata.generation ?? 1) + (specChanged ? 1 : 0),
              }
            : {}),
        },
        status: current.status,
      };
      store.set(key(name!), updated);
      if (kind === 'Deployment' && specChanged) rollout(key(name!));
      return send(200, updated);
    }
    if (req.method === 'DELETE' && current) {
      store.delete(key(name!));
      return send(200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: {
          name,
          ...(groupKind.group ? { group: groupKind.group } : {}),
          kind: plural,
          uid: current.metadata.uid,
        },
      });
    }
    return send(
      405,
      failure(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      ),
    );
  }

  const server = http.createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    // The API server's readiness: plain text `ok`, as kube-apiserver answers it.
    if (req.method === 'GET' && req.url === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const [code, body] = await answer(req);
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Every request as `METHOD /path`, in order. */
    requests,
    /** The next PUT of this object answers 409, as if a controller wrote first. */
    conflictNext: (objectName: string) => conflicts.add(objectName),
    get: (kind: Kind, namespace: string, objectName: string) =>
      store.get(`${kind}/${namespace}/${objectName}`),
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

/** The running loopback API server. */
export type LoopbackKubernetes = Awaited<
  ReturnType<typeof startLoopbackKubernetes>
>;
