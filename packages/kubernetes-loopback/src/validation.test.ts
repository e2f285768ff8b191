import {
  decodeError,
  DEPLOYMENT,
  errorString,
  goQuote,
  invalidStatus,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  parseQuantity,
  SERVICE,
  validateDeployment,
  validateDeploymentUpdate,
  validateService,
} from './validation';

// The wording is Kubernetes' own (k8s.io/apimachinery/pkg/util/validation): tests pin
// whole messages, so a change of wording here is a change against the real server.
const LABEL_VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_REGEX_ERROR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_REGEX_ERROR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_REGEX_ERROR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_REGEX_ERROR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

describe('label values', () => {
  it.each([
    ['system:default/ibias', [LABEL_VALUE_REGEX_ERROR]],
    ['-ibias', [LABEL_VALUE_REGEX_ERROR]],
    ['ibias.', [LABEL_VALUE_REGEX_ERROR]],
    ['ibias\n---', [LABEL_VALUE_REGEX_ERROR]],
    ['für', [LABEL_VALUE_REGEX_ERROR]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
    [
      `-${'a'.repeat(63)}`,
      ['must be no more than 63 characters', LABEL_VALUE_REGEX_ERROR],
    ],
  ])('refuses %j', (value, errors) => {
    expect(isValidLabelValue(value)).toEqual(errors);
  });

  it.each([
    '',
    'ibias',
    'Ibias_API.v2',
    '1.0.0',
    '0.0.0-abc123',
    'a'.repeat(63),
  ])('accepts %j', value => {
    expect(isValidLabelValue(value)).toEqual([]);
  });
});

describe('label keys (qualified names)', () => {
  it.each([
    ['', ['name part must be non-empty', NAME_PART_REGEX_ERROR]],
    [
      'app.kubernetes.io/',
      ['name part must be non-empty', NAME_PART_REGEX_ERROR],
    ],
    ['/name', ['prefix part must be non-empty']],
    ['Example.com/name', [`prefix part ${SUBDOMAIN_REGEX_ERROR}`]],
    ['app/part of', [NAME_PART_REGEX_ERROR]],
    [`${'a'.repeat(64)}`, ['name part must be no more than 63 characters']],
    [
      'a/b/c',
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ])('refuses %j', (key, errors) => {
    expect(isQualifiedName(key)).toEqual(errors);
  });

  it.each([
    'app.kubernetes.io/part-of',
    'ibias.io/track',
    'backstage.io/kubernetes-id',
    'prometheus.io/scrape',
    'App_Name',
  ])('accepts %j', key => {
    expect(isQualifiedName(key)).toEqual([]);
  });
});

describe('object names', () => {
  it.each([
    [isDNS1123Subdomain, 'Orders-api', [SUBDOMAIN_REGEX_ERROR]],
    [isDNS1123Subdomain, 'orders_api', [SUBDOMAIN_REGEX_ERROR]],
    [
      isDNS1123Subdomain,
      'a'.repeat(254),
      ['must be no more than 253 characters'],
    ],
    [isDNS1123Label, 'orders.api', ['must not contain dots']],
    [isDNS1123Label, 'orders api', [LABEL_REGEX_ERROR]],
    [isDNS1035Label, '1orders', [DNS1035_REGEX_ERROR]],
    [isDNS1035Label, 'a'.repeat(64), ['must be no more than 63 characters']],
  ])('%p refuses %j', (check, name, errors) => {
    expect(check(name)).toEqual(errors);
  });

  it.each([
    [isDNS1123Subdomain, 'orders-api-blue'],
    [isDNS1123Subdomain, 'orders.api'],
    [isDNS1123Label, '1orders'],
    [isDNS1035Label, 'orders-api'],
  ])('%p accepts %j', (check, name) => {
    expect(check(name)).toEqual([]);
  });

  it.each([
    [
      'HTTP',
      [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must contain at least one letter (a-z)',
      ],
    ],
    ['1234', ['must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']],
    ['-http', ['must not begin or end with a hyphen']],
    ['a-very-long-port-name', ['must be no more than 15 characters']],
  ])('port name %j is refused', (name, errors) => {
    expect(isValidPortName(name)).toEqual(errors);
  });
});

describe('Go quoting and quantities', () => {
  it.each([
    ['system:default/ibias', '"system:default/ibias"'],
    ['a\nb\t"c"\\', '"a\\nb\\t\\"c\\"\\\\"'],
    ['\u0000\u0007', '"\\x00\\a"'],
    ['für', '"für"'],
  ])('%j quotes as %s', (value, quoted) => {
    expect(goQuote(value)).toBe(quoted);
  });

  it.each([
    ['100m', 0.1],
    ['128Mi', 128 * 2 ** 20],
    ['1e3', 1000],
    ['2', 2],
    ['1.5G', 1.5e9],
  ])('%s is %d', (q, n) => {
    expect(parseQuantity(q)).toBeCloseTo(n);
  });

  it.each(['', 'abc', '1..2', '100 m', '1Zi'])('%j is no quantity', q => {
    expect(parseQuantity(q)).toBeUndefined();
  });
});

/** The template's Deployment, as rendered for orders-api. */
function deployment(change: (d: any) => void = () => {}) {
  const labels = {
    'app.kubernetes.io/name': 'orders-api',
    'app.kubernetes.io/version': '1.0.0',
    'ibias.io/track': 'blue',
  };
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'orders-api-blue',
      namespace: 'ibias',
      labels: { ...labels, 'app.kubernetes.io/part-of': 'ibias' },
    },
    spec: {
      replicas: 2,
      selector: {
        matchLabels: {
          'app.kubernetes.io/name': 'orders-api',
          'ibias.io/track': 'blue',
        },
      },
      template: {
        metadata: {
          labels,
          annotations: { 'prometheus.io/scrape': 'true' },
        },
        spec: {
          containers: [
            {
              name: 'orders-api',
              image: 'ghcr.io/ibias/orders-api:1.0.0',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [{ name: 'NODE_ENV', value: 'production' }],
              livenessProbe: { httpGet: { path: '/health', port: 'http' } },
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
            },
          ],
        },
      },
    },
  };
  change(d);
  return d;
}

function service(change: (s: any) => void = () => {}) {
  const s: any = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'orders-api', namespace: 'ibias' },
    spec: {
      selector: {
        'app.kubernetes.io/name': 'orders-api',
        'ibias.io/track': 'blue',
      },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  };
  change(s);
  return s;
}

describe('validateDeployment', () => {
  it.each<[string, (d: any) => void, string[]]>([
    [
      'a label value that is an entity ref',
      d => {
        d.metadata.labels['app.kubernetes.io/part-of'] = 'system:default/ibias';
      },
      [
        `metadata.labels: Invalid value: "system:default/ibias": ${LABEL_VALUE_REGEX_ERROR}`,
      ],
    ],
    [
      'an invalid label key on the pod template',
      d => {
        d.spec.template.metadata.labels['app/part of'] = 'x';
      },
      [
        `spec.template.labels: Invalid value: "app/part of": ${NAME_PART_REGEX_ERROR}`,
      ],
    ],
    [
      'an invalid name',
      d => {
        d.metadata.name = 'Orders_API';
      },
      [`metadata.name: Invalid value: "Orders_API": ${SUBDOMAIN_REGEX_ERROR}`],
    ],
    [
      'no name',
      d => {
        delete d.metadata.name;
      },
      ['metadata.name: Required value: name or generateName is required'],
    ],
    [
      'a selector that does not match the template',
      d => {
        d.spec.selector.matchLabels['ibias.io/track'] = 'green';
      },
      [
        'spec.template.metadata.labels: Invalid value: {"app.kubernetes.io/name":"orders-api","app.kubernetes.io/version":"1.0.0","ibias.io/track":"blue"}: `selector` does not match template `labels`',
      ],
    ],
    [
      'no selector',
      d => {
        delete d.spec.selector;
      },
      [
        'spec.selector: Required value',
        'spec.template.metadata.labels: Invalid value: {"app.kubernetes.io/name":"orders-api","app.kubernetes.io/version":"1.0.0","ibias.io/track":"blue"}: `selector` does not match template `labels`',
      ],
    ],
    [
      'an empty selector',
      d => {
        d.spec.selector = {};
      },
      [
        'spec.selector: Invalid value: {}: empty selector is invalid for deployment',
      ],
    ],
    [
      'an invalid selector value',
      d => {
        d.spec.selector.matchLabels['ibias.io/track'] = 'blue/green';
        d.spec.template.metadata.labels['ibias.io/track'] = 'blue/green';
      },
      [
        `spec.selector.matchLabels: Invalid value: "blue/green": ${LABEL_VALUE_REGEX_ERROR}`,
        'spec.selector: Invalid value: {"matchLabels":{"app.kubernetes.io/name":"orders-api","ibias.io/track":"blue/green"}}: invalid label selector',
      ],
    ],
    [
      'a matchExpression with a bad operator',
      d => {
        d.spec.selector.matchExpressions = [
          { key: 'ibias.io/track', operator: 'Is', values: ['blue'] },
        ];
      },
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
        'spec.selector: Invalid value: {"matchLabels":{"app.kubernetes.io/name":"orders-api","ibias.io/track":"blue"},"matchExpressions":[{"key":"ibias.io/track","operator":"Is","values":["blue"]}]}: invalid label selector',
      ],
    ],
    [
      'no containers',
      d => {
        d.spec.template.spec.containers = [];
      },
      ['spec.template.spec.containers: Required value'],
    ],
    [
      'a container without name or image',
      d => {
        delete d.spec.template.spec.containers[0].name;
        delete d.spec.template.spec.containers[0].image;
      },
      [
        'spec.template.spec.containers[0].name: Required value',
        'spec.template.spec.containers[0].image: Required value',
      ],
    ],
    [
      'an invalid container name',
      d => {
        d.spec.template.spec.containers[0].name = 'orders.api';
      },
      [
        'spec.template.spec.containers[0].name: Invalid value: "orders.api": must not contain dots',
      ],
    ],
    [
      'a port out of range and a port name too long',
      d => {
        d.spec.template.spec.containers[0].ports = [
          { name: 'http-for-customers', containerPort: 70000 },
        ];
        d.spec.template.spec.containers[0].livenessProbe.httpGet.port = 8080;
      },
      [
        'spec.template.spec.containers[0].ports[0].name: Invalid value: "http-for-customers": must be no more than 15 characters',
        'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      'a probe without a handler',
      d => {
        d.spec.template.spec.containers[0].livenessProbe = { periodSeconds: 5 };
      },
      [
        'spec.template.spec.containers[0].livenessProbe: Required value: must specify a handler type',
      ],
    ],
    [
      'a request above its limit',
      d => {
        d.spec.template.spec.containers[0].resources.requests.cpu = '600m';
      },
      [
        'spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "600m": must be less than or equal to cpu limit of 500m',
      ],
    ],
    [
      'negative replicas',
      d => {
        d.spec.replicas = -1;
      },
      ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    ],
    [
      'a restart policy other than Always',
      d => {
        d.spec.template.spec.restartPolicy = 'Never';
      },
      [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      ],
    ],
  ])('refuses %s', (_, change, errors) => {
    expect(validateDeployment(deployment(change)).map(errorString)).toEqual(
      errors,
    );
  });

  it('accepts the template Deployment', () => {
    expect(validateDeployment(deployment())).toEqual([]);
  });

  it('accepts a selector with matchExpressions that match', () => {
    const d = deployment(x => {
      x.spec.selector.matchExpressions = [
        { key: 'ibias.io/track', operator: 'In', values: ['blue', 'green'] },
        { key: 'ibias.io/canary', operator: 'DoesNotExist' },
      ];
    });
    expect(validateDeployment(d)).toEqual([]);
  });
});

describe('validateDeploymentUpdate', () => {
  it('refuses a change of the immutable selector', () => {
    const next = deployment(d => {
      d.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'orders-api' };
    });
    expect(
      validateDeploymentUpdate(next, deployment()).map(errorString),
    ).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app.kubernetes.io/name":"orders-api"}}: field is immutable',
    ]);
  });

  it('accepts a new image, replica count and labels under the same selector', () => {
    const next = deployment(d => {
      d.spec.replicas = 4;
      d.metadata.labels['app.kubernetes.io/version'] = '1.1.0';
      d.spec.template.metadata.labels['app.kubernetes.io/version'] = '1.1.0';
      d.spec.template.spec.containers[0].image =
        'ghcr.io/ibias/orders-api:1.1.0';
      d.spec.selector.matchExpressions = [];
    });
    expect(validateDeploymentUpdate(next, deployment())).toEqual([]);
  });
});

describe('validateService', () => {
  it.each<[string, (s: any) => void, string[]]>([
    [
      'a name that is no DNS-1035 label',
      s => {
        s.metadata.name = '1orders';
      },
      [`metadata.name: Invalid value: "1orders": ${DNS1035_REGEX_ERROR}`],
    ],
    [
      'no ports',
      s => {
        delete s.spec.ports;
      },
      ['spec.ports: Required value'],
    ],
    [
      'two ports without names',
      s => {
        s.spec.ports = [{ port: 80 }, { port: 81 }];
      },
      [
        'spec.ports[0].name: Required value',
        'spec.ports[1].name: Required value',
      ],
    ],
    [
      'a port out of range and an invalid target port',
      s => {
        s.spec.ports = [{ port: 0, targetPort: 'HTTP' }];
      },
      [
        'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
      ],
    ],
    [
      'a selector value that is an entity ref',
      s => {
        s.spec.selector['app.kubernetes.io/part-of'] = 'system:default/ibias';
      },
      [
        `spec.selector: Invalid value: "system:default/ibias": ${LABEL_VALUE_REGEX_ERROR}`,
      ],
    ],
    [
      'an unknown type',
      s => {
        s.spec.type = 'Ingress';
      },
      [
        'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      ],
    ],
  ])('refuses %s', (_, change, errors) => {
    expect(validateService(service(change)).map(errorString)).toEqual(errors);
  });

  it('accepts the template Service', () => {
    expect(validateService(service())).toEqual([]);
  });
});

describe('decodeError (400 before validation)', () => {
  it.each<[string, 'Deployment' | 'Service', any, string]>([
    [
      'an unquoted number as a label value',
      'Deployment',
      deployment(d => {
        d.metadata.labels['app.kubernetes.io/version'] = 1.1;
      }),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      'replicas as a string',
      'Deployment',
      deployment(d => {
        d.spec.replicas = '2';
      }),
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    ],
    [
      'a malformed quantity',
      'Deployment',
      deployment(d => {
        d.spec.template.spec.containers[0].resources.limits.memory = '256 MB';
      }),
      'Deployment in version "v1" cannot be handled as a Deployment: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    ],
    [
      'a boolean in a Service selector',
      'Service',
      service(s => {
        s.spec.selector.enabled = true;
      }),
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal bool into Go struct field ServiceSpec.spec.selector of type string',
    ],
  ])('refuses %s', (_, kind, body, message) => {
    expect(decodeError(kind, body)).toBe(message);
  });

  it('decodes the template objects', () => {
    expect(decodeError('Deployment', deployment())).toBeUndefined();
    expect(decodeError('Service', service())).toBeUndefined();
  });
});

describe('invalidStatus', () => {
  it('is a real server 422 body: message, reason and causes', () => {
    const d = deployment(x => {
      x.metadata.labels['app.kubernetes.io/part-of'] = 'system:default/ibias';
    });
    expect(
      invalidStatus(DEPLOYMENT, 'orders-api-blue', validateDeployment(d)),
    ).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Deployment.apps "orders-api-blue" is invalid: metadata.labels: Invalid value: "system:default/ibias": ${LABEL_VALUE_REGEX_ERROR}`,
      reason: 'Invalid',
      details: {
        name: 'orders-api-blue',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "system:default/ibias": ${LABEL_VALUE_REGEX_ERROR}`,
            field: 'metadata.labels',
          },
        ],
      },
      code: 422,
    });
  });

  it('aggregates several errors in brackets and names a core kind without a group', () => {
    const status = invalidStatus(SERVICE, 'orders-api', [
      { type: 'FieldValueRequired', field: 'spec.ports', detail: '' },
      { type: 'FieldValueRequired', field: 'spec.ports', detail: '' },
      {
        type: 'FieldValueInvalid',
        field: 'metadata.name',
        badValue: '1orders',
        detail: 'x',
      },
    ]);
    expect(status.message).toBe(
      'Service "orders-api" is invalid: [spec.ports: Required value, metadata.name: Invalid value: "1orders": x]',
    );
    expect(status.details).not.toHaveProperty('group');
    expect(status.details?.causes).toHaveLength(3);
  });
});
