import { startLoopbackKubernetes, type LoopbackKubernetes } from './server';

// The loopback API server over HTTP: what a client (the deployments plugin, kubectl)
// gets back from it for the writes a real server refuses, and for those it accepts.
const NS = 'ibias';
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;
const SERVICES = `/api/v1/namespaces/${NS}/services`;

function deployment(change: (d: any) => void = () => {}) {
  const labels = {
    'app.kubernetes.io/name': 'orders-api',
    'ibias.io/track': 'blue',
  };
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'orders-api-blue',
      namespace: NS,
      labels: { ...labels, 'app.kubernetes.io/part-of': 'ibias' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { ...labels } },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          containers: [
            { name: 'orders-api', image: 'ghcr.io/ibias/orders-api:1.0.0' },
          ],
        },
      },
    },
  };
  change(d);
  return d;
}

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'orders-api', namespace: NS },
  spec: {
    selector: { 'app.kubernetes.io/name': 'orders-api' },
    ports: [{ name: 'http', port: 80, targetPort: 'http' }],
  },
};

describe('startLoopbackKubernetes', () => {
  let k8s: LoopbackKubernetes;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    token = 't0ken',
  ) => {
    const res = await fetch(`${k8s.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeEach(async () => {
    k8s = await startLoopbackKubernetes({ token: 't0ken', rolloutDelayMs: 10 });
  });
  afterEach(() => k8s.close());

  it('answers a wrong token with 401 and touches nothing', async () => {
    const res = await call('POST', DEPLOYMENTS, deployment(), 'wrong');
    expect(res).toEqual({
      status: 401,
      body: expect.objectContaining({
        kind: 'Status',
        reason: 'Unauthorized',
        code: 401,
      }),
    });
    expect(k8s.get('Deployment', NS, 'orders-api-blue')).toBeUndefined();
  });

  it('refuses an entity ref as a label value with 422 Invalid, as a real server does', async () => {
    const res = await call(
      'POST',
      DEPLOYMENTS,
      deployment(d => {
        d.metadata.labels['app.kubernetes.io/part-of'] = 'system:default/ibias';
      }),
    );
    const cause =
      "Invalid value: \"system:default/ibias\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Deployment.apps "orders-api-blue" is invalid: metadata.labels: ${cause}`,
      reason: 'Invalid',
      details: {
        name: 'orders-api-blue',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: cause,
            field: 'metadata.labels',
          },
        ],
      },
      code: 422,
    });
    expect(k8s.get('Deployment', NS, 'orders-api-blue')).toBeUndefined();
  });

  it('refuses a Deployment whose selector does not match its template', async () => {
    const res = await call(
      'POST',
      DEPLOYMENTS,
      deployment(d => {
        d.spec.selector.matchLabels['ibias.io/track'] = 'green';
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'Deployment.apps "orders-api-blue" is invalid: spec.template.metadata.labels: Invalid value: {"app.kubernetes.io/name":"orders-api","ibias.io/track":"blue"}: `selector` does not match template `labels`',
    );
  });

  it('refuses a Service without ports and with a name that is no DNS-1035 label', async () => {
    const res = await call('POST', SERVICES, {
      ...service,
      metadata: { name: '1orders' },
      spec: { selector: service.spec.selector },
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual({
      name: '1orders',
      kind: 'Service',
      causes: [
        expect.objectContaining({
          field: 'metadata.name',
          reason: 'FieldValueInvalid',
        }),
        {
          field: 'spec.ports',
          reason: 'FieldValueRequired',
          message: 'Required value',
        },
      ],
    });
    expect(res.body.message).toMatch(
      /^Service "1orders" is invalid: \[metadata\.name: Invalid value: "1orders": a DNS-1035 label must consist of /,
    );
  });

  it.each<[string, string, unknown, string]>([
    [
      'another namespace than the URL',
      DEPLOYMENTS,
      deployment(d => {
        d.metadata.namespace = 'default';
      }),
      'the namespace of the provided object does not match the namespace sent on the request',
    ],
    [
      'another API version than the URL',
      DEPLOYMENTS,
      deployment(d => {
        d.apiVersion = 'apps/v1beta1';
      }),
      'the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)',
    ],
    [
      'a number as a label value (YAML `version: 1.0`)',
      DEPLOYMENTS,
      deployment(d => {
        d.metadata.labels['app.kubernetes.io/version'] = 1;
      }),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      'a resourceVersion on create',
      SERVICES,
      { ...service, metadata: { ...service.metadata, resourceVersion: '7' } },
      'resourceVersion should not be set on objects to be created',
    ],
  ])('answers 400 Bad Request to %s', async (_, path, body, message) => {
    const res = await call('POST', path, body);
    expect(res).toEqual({
      status: 400,
      body: expect.objectContaining({
        reason: 'BadRequest',
        code: 400,
        message,
      }),
    });
  });

  it('creates, then refuses a change of the immutable selector and accepts one under the same selector', async () => {
    const created = await call('POST', DEPLOYMENTS, deployment());
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({
      generation: 1,
      namespace: NS,
    });
    // The controller's status write after the rollout bumps the resourceVersion too.
    await new Promise(r => setTimeout(r, 50));
    const read = await call('GET', `${DEPLOYMENTS}/orders-api-blue`);
    const rv = read.body.metadata.resourceVersion;
    expect(rv).not.toBe(created.body.metadata.resourceVersion);

    const moved = await call(
      'PUT',
      `${DEPLOYMENTS}/orders-api-blue`,
      deployment(d => {
        d.metadata.resourceVersion = rv;
        d.spec.selector.matchLabels = {
          'app.kubernetes.io/name': 'orders-api',
        };
      }),
    );
    expect(moved.status).toBe(422);
    expect(moved.body.message).toBe(
      'Deployment.apps "orders-api-blue" is invalid: spec.selector: Invalid value: {"matchLabels":{"app.kubernetes.io/name":"orders-api"}}: field is immutable',
    );

    const scaled = await call(
      'PUT',
      `${DEPLOYMENTS}/orders-api-blue`,
      deployment(d => {
        d.metadata.resourceVersion = rv;
        d.spec.replicas = 4;
      }),
    );
    expect(scaled.status).toBe(200);
    expect(scaled.body.metadata.generation).toBe(2);
    expect(scaled.body.metadata.uid).toBe(created.body.metadata.uid);

    const stale = await call(
      'PUT',
      `${DEPLOYMENTS}/orders-api-blue`,
      deployment(d => {
        d.metadata.resourceVersion = rv;
      }),
    );
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe(
      'Operation cannot be fulfilled on deployments.apps "orders-api-blue": the object has been modified; please apply your changes to the latest version and try again',
    );

    // No resourceVersion: an unconditional update, as a real server allows for these kinds.
    const unconditional = await call(
      'PUT',
      `${DEPLOYMENTS}/orders-api-blue`,
      deployment(),
    );
    expect(unconditional.status).toBe(200);
  });

  it('refuses a PUT whose body names another object', async () => {
    await call('POST', SERVICES, service);
    const res = await call('PUT', `${SERVICES}/orders-api`, {
      ...service,
      metadata: { name: 'other' },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'the name of the object (other) does not match the name on the URL (orders-api)',
    );
  });

  it('answers 404 and 409 AlreadyExists with the resource names a real server uses', async () => {
    expect((await call('GET', `${DEPLOYMENTS}/nope`)).body.message).toBe(
      'deployments.apps "nope" not found',
    );
    expect((await call('POST', SERVICES, service)).status).toBe(201);
    const again = await call('POST', SERVICES, service);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'services "orders-api" already exists',
    });
  });

  it('defaults a Service port (protocol, targetPort) and lists objects of one kind and namespace', async () => {
    await call('POST', SERVICES, {
      ...service,
      spec: { ...service.spec, ports: [{ port: 80 }] },
    });
    await call('POST', DEPLOYMENTS, deployment());
    const list = await call('GET', SERVICES);
    expect(list.body.kind).toBe('ServiceList');
    expect(list.body.items.map((i: any) => i.metadata.name)).toEqual([
      'orders-api',
    ]);
    expect(list.body.items[0].spec.ports).toEqual([
      { protocol: 'TCP', targetPort: 80, port: 80 },
    ]);
  });

  it('rolls a Deployment out after a delay', async () => {
    await call('POST', DEPLOYMENTS, deployment());
    expect(k8s.get('Deployment', NS, 'orders-api-blue')?.status).toEqual({
      observedGeneration: 0,
    });
    await new Promise(r => setTimeout(r, 50));
    expect(k8s.get('Deployment', NS, 'orders-api-blue')?.status).toMatchObject({
      observedGeneration: 1,
      readyReplicas: 2,
      updatedReplicas: 2,
    });
  });
});
