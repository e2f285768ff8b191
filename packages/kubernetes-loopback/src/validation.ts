// What a Kubernetes API server refuses in a Deployment or a Service, worded as it words
// it: the checks and messages follow k8s.io/apimachinery (pkg/util/validation,
// pkg/api/validation, pkg/apis/meta/v1/validation) and k8s.io/kubernetes
// (pkg/apis/apps/validation, pkg/apis/core/validation) as of Kubernetes 1.33/1.34. Only
// the fields these manifests use are checked; unknown fields pass, as on a server asked
// for `fieldValidation=Ignore`.

/** A field error's type; `reason` of a Status cause. */
export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong';

/** One field error (field.Error in Go). */
export interface FieldError {
  type: CauseType;
  field: string;
  badValue?: unknown;
  detail: string;
}

// --- apimachinery/pkg/util/validation --------------------------------------------------

const qualifiedNameCharFmt = '[A-Za-z0-9]';
const qualifiedNameExtCharFmt = '[-A-Za-z0-9_.]';
const qualifiedNameFmt = `(${qualifiedNameCharFmt}${qualifiedNameExtCharFmt}*)?${qualifiedNameCharFmt}`;
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNameRegexp = new RegExp(`^${qualifiedNameFmt}$`);

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
/** A label value's maximum length. */
export const LABEL_VALUE_MAX_LENGTH = 63;
const labelValueRegexp = new RegExp(`^${labelValueFmt}$`);

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123LabelMaxLength = 63;
const dns1123LabelRegexp = new RegExp(`^${dns1123LabelFmt}$`);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrorMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainMaxLength = 253;
const dns1123SubdomainRegexp = new RegExp(`^${dns1123SubdomainFmt}$`);

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const dns1035LabelMaxLength = 63;
const dns1035LabelRegexp = new RegExp(`^${dns1035LabelFmt}$`);

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameFmtErrMsg =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const envVarNameRegexp = new RegExp(`^${envVarNameFmt}$`);

/** Go measures strings in bytes. */
const byteLength = (value: string) => Buffer.byteLength(value, 'utf8');

export function maxLenError(length: number) {
  return `must be no more than ${length} characters`;
}

export function regexError(msg: string, fmt: string, ...examples: string[]) {
  if (examples.length === 0) {
    return `${msg} (regex used for validation is '${fmt}')`;
  }
  // Go writes "'a', " then " or " between examples: two spaces before each "or".
  const listed = examples.map(e => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${listed}regex used for validation is '${fmt}')`;
}

export function emptyError() {
  return 'must be non-empty';
}

export function inclusiveRangeError(lo: number, hi: number) {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** A label key or annotation key: an optional DNS subdomain prefix and a name. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) {
      errs.push(`prefix part ${emptyError()}`);
    } else {
      errs.push(...isDNS1123Subdomain(prefix).map(m => `prefix part ${m}`));
    }
  } else {
    return [
      `a qualified name ${regexError(
        qualifiedNameErrMsg,
        qualifiedNameFmt,
        'MyName',
        'my.name',
        '123-abc',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) {
    errs.push(`name part ${emptyError()}`);
  } else if (byteLength(name) > qualifiedNameMaxLength) {
    errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  }
  if (!qualifiedNameRegexp.test(name)) {
    errs.push(
      `name part ${regexError(
        qualifiedNameErrMsg,
        qualifiedNameFmt,
        'MyName',
        'my.name',
        '123-abc',
      )}`,
    );
  }
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) {
    errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  }
  if (!labelValueRegexp.test(value)) {
    errs.push(
      regexError(
        labelValueErrMsg,
        labelValueFmt,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123LabelMaxLength) {
    errs.push(maxLenError(dns1123LabelMaxLength));
  }
  if (!dns1123LabelRegexp.test(value)) {
    if (dns1123SubdomainRegexp.test(value)) {
      // A valid subdomain that is not a valid label: it has dots.
      errs.push('must not contain dots');
    } else {
      errs.push(
        regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'),
      );
    }
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) {
    errs.push(maxLenError(dns1123SubdomainMaxLength));
  }
  if (!dns1123SubdomainRegexp.test(value)) {
    errs.push(
      regexError(dns1123SubdomainErrorMsg, dns1123SubdomainFmt, 'example.com'),
    );
  }
  return errs;
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1035LabelMaxLength) {
    errs.push(maxLenError(dns1035LabelMaxLength));
  }
  if (!dns1035LabelRegexp.test(value)) {
    errs.push(
      regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'),
    );
  }
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? []
    : [inclusiveRangeError(1, 65535)];
}

export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) {
    errs.push(
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    );
  }
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) {
    errs.push('must not begin or end with a hyphen');
  }
  return errs;
}

export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRegexp.test(value)) {
    errs.push(
      regexError(
        envVarNameFmtErrMsg,
        envVarNameFmt,
        'my.env-name',
        'MY_ENV.NAME',
        'MyEnvName1',
      ),
    );
  }
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

// --- field errors and their wording ------------------------------------------------------

const required = (field: string, detail = ''): FieldError => ({
  type: 'FieldValueRequired',
  field,
  detail,
});
const invalid = (
  field: string,
  badValue: unknown,
  detail: string,
): FieldError => ({ type: 'FieldValueInvalid', field, badValue, detail });
const duplicate = (field: string, badValue: unknown): FieldError => ({
  type: 'FieldValueDuplicate',
  field,
  badValue,
  detail: '',
});
const notSupported = (
  field: string,
  badValue: unknown,
  valid: string[],
): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  badValue,
  detail: valid.length
    ? `supported values: ${valid.map(v => goQuote(v)).join(', ')}`
    : '',
});
const tooLong = (field: string, maxLength: number): FieldError => ({
  type: 'FieldValueTooLong',
  field,
  detail: `must have at most ${maxLength} bytes`,
});

const typeWords: Record<CauseType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
};

/** A string as Go's %q writes it. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code === 7) out += '\\a';
    else if (code === 8) out += '\\b';
    else if (code === 11) out += '\\v';
    else if (code === 12) out += '\\f';
    else if (code < 0x20 || code === 0x7f) {
      out += `\\x${code.toString(16).padStart(2, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** Go structs marshal their fields in declaration order. */
const structFieldOrders = [
  ['matchLabels', 'matchExpressions'], // LabelSelector
  ['key', 'operator', 'values'], // LabelSelectorRequirement
];

/** JSON as Go marshals it: structs in field order, maps with sorted keys. */
function goJson(value: unknown): string {
  const order = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(order);
    if (v && typeof v === 'object') {
      const keys = Object.keys(v).filter(
        k => (v as Record<string, unknown>)[k] !== undefined,
      );
      const struct = structFieldOrders.find(
        fields => keys.length > 0 && keys.every(k => fields.includes(k)),
      );
      const sorted = struct
        ? struct.filter(k => keys.includes(k))
        : [...keys].sort();
      return Object.fromEntries(
        sorted.map(k => [k, order((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(order(value));
}

/** The error without its field (field.Error.ErrorBody): what a Status cause carries. */
export function errorBody(e: FieldError): string {
  let s = typeWords[e.type];
  if (
    e.type !== 'FieldValueRequired' &&
    e.type !== 'FieldValueForbidden' &&
    e.type !== 'FieldValueTooLong'
  ) {
    const v = e.badValue;
    if (v === undefined || v === null) s += ': null';
    else if (typeof v === 'string') s += `: ${goQuote(v)}`;
    else if (typeof v === 'number' || typeof v === 'boolean') s += `: ${v}`;
    else s += `: ${goJson(v)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `<field>: <body>`, as in a Status message. */
export function errorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** The API group and kind an object belongs to, e.g. apps/Deployment. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** A Kubernetes Status object (`kind: Status`). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason: CauseType; message: string; field: string }>;
  };
  code: number;
}

export function failure(
  code: number,
  reason: string,
  message: string,
  details?: Status['details'],
): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** 422 Unprocessable Entity, as apierrors.NewInvalid builds it. */
export function invalidStatus(
  { group, kind }: GroupKind,
  name: string,
  errors: FieldError[],
): Status {
  const messages = [...new Set(errors.map(errorString))];
  const aggregate =
    messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return failure(
    422,
    'Invalid',
    `${qualifiedKind} ${goQuote(name)} is invalid: ${aggregate}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: errors.map(e => ({
        reason: e.type,
        message: errorBody(e),
        field: e.field,
      })),
    },
  );
}

// --- decoding: what fails before validation (400 Bad Request) ----------------------------

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
function jsonType(v: unknown) {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/**
 * Fields whose JSON type the server's decoder checks before any validation: a YAML
 * `version: 1.0` label is a number, and the server refuses the whole object.
 * [Go struct, JSON path, Go type]; `[]` marks the items of an array, `{}` map values.
 */
const typedFields: Record<string, Array<[string, string, string]>> = {
  Deployment: [
    ['ObjectMeta', 'metadata.name', 'string'],
    ['ObjectMeta', 'metadata.namespace', 'string'],
    ['ObjectMeta', 'metadata.labels.{}', 'string'],
    ['ObjectMeta', 'metadata.annotations.{}', 'string'],
    ['DeploymentSpec', 'spec.replicas', 'int32'],
    ['LabelSelector', 'spec.selector.matchLabels.{}', 'string'],
    ['ObjectMeta', 'spec.template.metadata.labels.{}', 'string'],
    ['ObjectMeta', 'spec.template.metadata.annotations.{}', 'string'],
    ['Container', 'spec.template.spec.containers.[].name', 'string'],
    ['Container', 'spec.template.spec.containers.[].image', 'string'],
    [
      'ContainerPort',
      'spec.template.spec.containers.[].ports.[].containerPort',
      'int32',
    ],
    [
      'ContainerPort',
      'spec.template.spec.containers.[].ports.[].name',
      'string',
    ],
    ['EnvVar', 'spec.template.spec.containers.[].env.[].name', 'string'],
    ['EnvVar', 'spec.template.spec.containers.[].env.[].value', 'string'],
  ],
  Service: [
    ['ObjectMeta', 'metadata.name', 'string'],
    ['ObjectMeta', 'metadata.namespace', 'string'],
    ['ObjectMeta', 'metadata.labels.{}', 'string'],
    ['ObjectMeta', 'metadata.annotations.{}', 'string'],
    ['ServiceSpec', 'spec.selector.{}', 'string'],
    ['ServicePort', 'spec.ports.[].name', 'string'],
    ['ServicePort', 'spec.ports.[].port', 'int32'],
  ],
};

function valuesAt(root: unknown, steps: string[]): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step === '[]') {
        if (Array.isArray(v)) next.push(...v);
      } else if (step === '{}') {
        if (isObject(v)) next.push(...Object.values(v));
      } else if (isObject(v) && v[step] !== undefined) {
        next.push(v[step]);
      }
    }
    current = next;
  }
  return current;
}

/**
 * Why the server cannot decode the body as a `kind` (400 Bad Request), or undefined.
 * Worded as the server words it: `<Kind> in version "<v>" cannot be handled as a <Kind>: json: ...`.
 */
export function decodeError(
  kind: 'Deployment' | 'Service',
  body: unknown,
): string | undefined {
  const prefix = `${kind} in version "v1" cannot be handled as a ${kind}`;
  if (!isObject(body)) {
    return `${prefix}: json: cannot unmarshal ${jsonType(
      body,
    )} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
  }
  for (const [struct, path, goType] of typedFields[kind]) {
    const steps = path.split('.');
    const field = steps.filter(s => s !== '[]' && s !== '{}').join('.');
    for (const v of valuesAt(body, steps)) {
      if (v === null) continue; // null leaves a field at its zero value
      const ok =
        goType === 'string'
          ? typeof v === 'string'
          : typeof v === 'number' && Number.isInteger(v);
      if (!ok) {
        const what =
          goType === 'int32' && typeof v === 'number'
            ? `number ${v}`
            : jsonType(v);
        return `${prefix}: json: cannot unmarshal ${what} into Go struct field ${struct}.${field} of type ${goType}`;
      }
    }
  }
  const quantities = valuesAt(body, [
    'spec',
    'template',
    'spec',
    'containers',
    '[]',
    'resources',
  ]).flatMap(r =>
    isObject(r)
      ? [r.requests, r.limits].flatMap(q =>
          isObject(q) ? Object.values(q) : [],
        )
      : [],
  );
  for (const q of quantities) {
    if (parseQuantity(q) === undefined) {
      return `${prefix}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`;
    }
  }
  return undefined;
}

const quantitySuffixes: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource quantity (`100m`, `128Mi`, `1e3`) as a number, or undefined if malformed. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(value);
  if (!m || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1])) return undefined;
  const number = Number(m[1]);
  const suffix = m[2];
  if (Object.hasOwn(quantitySuffixes, suffix)) {
    return number * quantitySuffixes[suffix];
  }
  const exponent = /^[eE]([-+]?\d+)$/.exec(suffix);
  return exponent ? number * 10 ** Number(exponent[1]) : undefined;
}

// --- meta/v1 and object metadata --------------------------------------------------------

const asStringMap = (v: unknown): Record<string, string> =>
  isObject(v) ? (v as Record<string, string>) : {};

export function validateLabelName(key: string, field: string): FieldError[] {
  return isQualifiedName(key).map(msg => invalid(field, key, msg));
}

/** Every key a qualified name, every value a label value (ValidateLabels). */
export function validateLabels(labels: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(asStringMap(labels))) {
    errs.push(...validateLabelName(k, field));
    errs.push(...isValidLabelValue(v).map(msg => invalid(field, v, msg)));
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateAnnotations(
  annotations: unknown,
  field: string,
): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(asStringMap(annotations))) {
    // Case does not matter in annotation keys.
    errs.push(
      ...isQualifiedName(k.toLowerCase()).map(msg => invalid(field, k, msg)),
    );
    size += byteLength(k) + byteLength(v ?? '');
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  }
  return errs;
}

type NameCheck = (name: string) => string[];

/** ObjectMeta on create (ValidateObjectMeta), namespaced. */
export function validateObjectMeta(
  metadata: unknown,
  nameCheck: NameCheck,
): FieldError[] {
  const meta = isObject(metadata) ? metadata : {};
  const errs: FieldError[] = [];
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (!name) {
    errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    errs.push(
      ...nameCheck(name).map(msg => invalid('metadata.name', name, msg)),
    );
  }
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  if (!namespace) {
    errs.push(required('metadata.namespace'));
  } else {
    errs.push(
      ...isDNS1123Label(namespace).map(msg =>
        invalid('metadata.namespace', namespace, msg),
      ),
    );
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  return errs;
}

/** A LabelSelector's matchLabels and matchExpressions (ValidateLabelSelector). */
export function validateLabelSelector(
  selector: unknown,
  field: string,
): FieldError[] {
  if (!isObject(selector)) return [];
  const errs = validateLabels(selector.matchLabels, `${field}.matchLabels`);
  const expressions = Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions
    : [];
  expressions.forEach((raw, i) => {
    const expr = isObject(raw) ? raw : {};
    const path = `${field}.matchExpressions[${i}]`;
    const values = Array.isArray(expr.values) ? (expr.values as string[]) : [];
    const operator = String(expr.operator ?? '');
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0) {
        errs.push(
          required(
            `${path}.values`,
            "must be specified when `operator` is 'In' or 'NotIn'",
          ),
        );
      }
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0) {
        errs.push({
          type: 'FieldValueForbidden',
          field: `${path}.values`,
          detail:
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        });
      }
    } else {
      errs.push(
        invalid(`${path}.operator`, operator, 'not a valid selector operator'),
      );
    }
    errs.push(...validateLabelName(String(expr.key ?? ''), `${path}.key`));
    values.forEach((v, j) =>
      errs.push(
        ...isValidLabelValue(String(v)).map(msg =>
          invalid(`${path}.values[${j}]`, v, msg),
        ),
      ),
    );
  });
  return errs;
}

function expressionMatches(
  operator: string,
  has: boolean,
  value: string | undefined,
  values: string[],
) {
  switch (operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Whether a LabelSelector selects these labels (an empty selector selects everything). */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  if (!isObject(selector)) return false;
  const have = asStringMap(labels);
  const has = (k: string) => Object.hasOwn(have, k);
  for (const [k, v] of Object.entries(asStringMap(selector.matchLabels))) {
    if (!has(k) || have[k] !== v) return false;
  }
  const expressions = Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions
    : [];
  for (const raw of expressions) {
    const expr = isObject(raw) ? raw : {};
    const key = String(expr.key ?? '');
    const values = Array.isArray(expr.values) ? expr.values.map(String) : [];
    if (
      !expressionMatches(String(expr.operator), has(key), have[key], values)
    ) {
      return false;
    }
  }
  return true;
}

/**
 * Whether the server can turn a LabelSelector into a selector
 * (metav1.LabelSelectorAsSelector): valid keys and values, known operators, values where
 * the operator needs them. An absent selector parses (it selects nothing).
 */
export function selectorParses(selector: unknown): boolean {
  if (!isObject(selector)) return true;
  const validKey = (k: string) => isQualifiedName(k).length === 0;
  const validValue = (v: unknown) =>
    typeof v === 'string' && isValidLabelValue(v).length === 0;
  for (const [k, v] of Object.entries(asStringMap(selector.matchLabels))) {
    if (!validKey(k) || !validValue(v)) return false;
  }
  const expressions = Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions
    : [];
  return expressions.every(raw => {
    const expr = isObject(raw) ? raw : {};
    const values = Array.isArray(expr.values) ? expr.values : [];
    if (!validKey(String(expr.key ?? '')) || !values.every(validValue)) {
      return false;
    }
    if (expr.operator === 'In' || expr.operator === 'NotIn') {
      return values.length > 0;
    }
    if (expr.operator === 'Exists' || expr.operator === 'DoesNotExist') {
      return values.length === 0;
    }
    return false;
  });
}

const isEmptySelector = (selector: Json) =>
  Object.keys(asStringMap(selector.matchLabels)).length === 0 &&
  !(
    Array.isArray(selector.matchExpressions) &&
    selector.matchExpressions.length > 0
  );

/** An int-or-string port (ValidatePortNumOrName). */
function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'number') {
    return isValidPortNum(port).map(msg => invalid(field, port, msg));
  }
  if (typeof port === 'string') {
    return isValidPortName(port).map(msg => invalid(field, port, msg));
  }
  return [invalid(field, port ?? null, 'must be an integer or a string')];
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateProbe(probe: unknown, field: string): FieldError[] {
  if (probe === undefined || probe === null) return [];
  const p = isObject(probe) ? probe : {};
  const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter(
    h => p[h] !== undefined && p[h] !== null,
  );
  const errs: FieldError[] = [];
  if (handlers.length === 0) {
    errs.push(required(field, 'must specify a handler type'));
  } else if (handlers.length > 1) {
    errs.push({
      type: 'FieldValueForbidden',
      field: `${field}.${handlers[1]}`,
      detail: 'may not specify more than 1 handler type',
    });
  }
  for (const handler of ['httpGet', 'tcpSocket']) {
    const h = p[handler];
    if (isObject(h)) {
      errs.push(...validatePortNumOrName(h.port, `${field}.${handler}.port`));
    }
  }
  for (const timing of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ]) {
    const v = p[timing];
    if (typeof v === 'number' && v < 0) {
      errs.push(
        invalid(`${field}.${timing}`, v, 'must be greater than or equal to 0'),
      );
    }
  }
  return errs;
}

function validateResources(resources: unknown, field: string): FieldError[] {
  if (!isObject(resources)) return [];
  const requests = asStringMap(resources.requests);
  const limits = asStringMap(resources.limits);
  const errs: FieldError[] = [];
  for (const [name, request] of Object.entries(requests)) {
    if (!Object.hasOwn(limits, name)) continue;
    const r = parseQuantity(request);
    const l = parseQuantity(limits[name]);
    if (r !== undefined && l !== undefined && r > l) {
      errs.push(
        invalid(
          `${field}.requests[${name}]`,
          String(request),
          `must be less than or equal to ${name} limit of ${String(
            limits[name],
          )}`,
        ),
      );
    }
  }
  return errs;
}

/** The containers of a pod spec (validateContainers, the parts these manifests use). */
function validateContainers(containers: unknown, field: string): FieldError[] {
  const list = Array.isArray(containers) ? containers : [];
  if (list.length === 0) return [required(field)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const c = isObject(raw) ? raw : {};
    const path = `${field}[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) {
      errs.push(required(`${path}.name`));
    } else {
      errs.push(
        ...isDNS1123Label(name).map(msg => invalid(`${path}.name`, name, msg)),
      );
      if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
      names.add(name);
    }
    const image = typeof c.image === 'string' ? c.image : '';
    if (!image) {
      errs.push(required(`${path}.image`));
    } else if (image.trim() !== image) {
      errs.push(
        invalid(
          `${path}.image`,
          image,
          'must not have leading or trailing whitespace',
        ),
      );
    }
    const portNames = new Set<string>();
    (Array.isArray(c.ports) ? c.ports : []).forEach((rawPort, j) => {
      const port = isObject(rawPort) ? rawPort : {};
      const portPath = `${path}.ports[${j}]`;
      if (typeof port.name === 'string' && port.name) {
        const portName = port.name;
        errs.push(
          ...isValidPortName(portName).map(msg =>
            invalid(`${portPath}.name`, portName, msg),
          ),
        );
        if (portNames.has(portName)) {
          errs.push(duplicate(`${portPath}.name`, portName));
        }
        portNames.add(portName);
      }
      const containerPort = port.containerPort;
      if (!containerPort) {
        errs.push(required(`${portPath}.containerPort`));
      } else {
        errs.push(
          ...isValidPortNum(Number(containerPort)).map(msg =>
            invalid(`${portPath}.containerPort`, containerPort, msg),
          ),
        );
      }
      const protocol = port.protocol ?? 'TCP';
      if (!PROTOCOLS.includes(String(protocol))) {
        errs.push(notSupported(`${portPath}.protocol`, protocol, PROTOCOLS));
      }
    });
    (Array.isArray(c.env) ? c.env : []).forEach((rawEnv, k) => {
      const env = isObject(rawEnv) ? rawEnv : {};
      const envName = typeof env.name === 'string' ? env.name : '';
      if (!envName) {
        errs.push(required(`${path}.env[${k}].name`));
      } else {
        errs.push(
          ...isEnvVarName(envName).map(msg =>
            invalid(`${path}.env[${k}].name`, envName, msg),
          ),
        );
      }
    });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      errs.push(...validateProbe(c[probe], `${path}.${probe}`));
    }
    errs.push(...validateResources(c.resources, `${path}.resources`));
  });
  return errs;
}

// --- apps/v1 Deployment -----------------------------------------------------------------

export const DEPLOYMENT: GroupKind = { group: 'apps', kind: 'Deployment' };
export const SERVICE: GroupKind = { group: '', kind: 'Service' };

/** A Deployment on create (ValidateDeployment), after the server's defaults. */
export function validateDeployment(deployment: unknown): FieldError[] {
  const d = isObject(deployment) ? deployment : {};
  const errs = validateObjectMeta(d.metadata, isDNS1123Subdomain);
  const spec = isObject(d.spec) ? d.spec : {};
  const replicas = spec.replicas;
  if (typeof replicas === 'number' && replicas < 0) {
    errs.push(
      invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
    );
  }
  const selector = spec.selector;
  if (!isObject(selector)) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (isEmptySelector(selector)) {
      errs.push(
        invalid(
          'spec.selector',
          selector,
          'empty selector is invalid for deployment',
        ),
      );
    }
  }
  if (!selectorParses(selector)) {
    // The server cannot build the selector and stops here: the template goes unchecked.
    errs.push(invalid('spec.selector', selector, 'invalid label selector'));
    return errs;
  }
  const template = isObject(spec.template) ? spec.template : {};
  const templateMeta = isObject(template.metadata) ? template.metadata : {};
  // A missing selector selects nothing, an empty one everything.
  const selectsEverything = isObject(selector) && isEmptySelector(selector);
  if (!selectsEverything && !selectorMatches(selector, templateMeta.labels)) {
    errs.push(
      invalid(
        'spec.template.metadata.labels',
        templateMeta.labels ?? null,
        '`selector` does not match template `labels`',
      ),
    );
  }
  errs.push(...validateLabels(templateMeta.labels, 'spec.template.labels'));
  errs.push(
    ...validateAnnotations(
      templateMeta.annotations,
      'spec.template.annotations',
    ),
  );
  const podSpec = isObject(template.spec) ? template.spec : {};
  errs.push(
    ...validateContainers(podSpec.containers, 'spec.template.spec.containers'),
  );
  const restartPolicy = podSpec.restartPolicy ?? 'Always';
  if (restartPolicy !== 'Always') {
    errs.push(
      notSupported('spec.template.spec.restartPolicy', restartPolicy, [
        'Always',
      ]),
    );
  }
  return errs;
}

/** Semantic equality of two selectors: absent and empty lists and maps are equal. */
function sameSelector(a: unknown, b: unknown) {
  const normal = (s: unknown) => {
    const o = isObject(s) ? s : {};
    const labels = asStringMap(o.matchLabels);
    const exprs = Array.isArray(o.matchExpressions) ? o.matchExpressions : [];
    return goJson({
      matchLabels: Object.keys(labels).length ? labels : undefined,
      matchExpressions: exprs.length ? exprs : undefined,
    });
  };
  return normal(a) === normal(b);
}

/** A Deployment replacing `old` (ValidateDeploymentUpdate plus apps/v1's immutable selector). */
export function validateDeploymentUpdate(
  deployment: unknown,
  old: unknown,
): FieldError[] {
  const errs = validateDeployment(deployment);
  const spec =
    isObject(deployment) && isObject(deployment.spec) ? deployment.spec : {};
  const oldSpec = isObject(old) && isObject(old.spec) ? old.spec : {};
  if (!sameSelector(spec.selector, oldSpec.selector)) {
    errs.push(
      invalid('spec.selector', spec.selector ?? null, 'field is immutable'),
    );
  }
  return errs;
}

// --- v1 Service -------------------------------------------------------------------------

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** A Service on create (ValidateService, the parts these manifests use). */
export function validateService(service: unknown): FieldError[] {
  const s = isObject(service) ? service : {};
  const errs = validateObjectMeta(s.metadata, isDNS1035Label);
  const spec = isObject(s.spec) ? s.spec : {};
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(String(type))) {
    errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  }
  const headless = spec.clusterIP === 'None';
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0 && type !== 'ExternalName' && !headless) {
    errs.push(required('spec.ports'));
  }
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port = isObject(raw) ? raw : {};
    const path = `spec.ports[${i}]`;
    const name = typeof port.name === 'string' ? port.name : '';
    if (ports.length > 1 && !name) {
      errs.push(required(`${path}.name`));
    } else if (name) {
      errs.push(
        ...isDNS1123Label(name).map(msg => invalid(`${path}.name`, name, msg)),
      );
      if (names.has(name)) errs.push(duplicate(`${path}.name`, name));
      names.add(name);
    }
    const number = port.port;
    errs.push(
      ...isValidPortNum(Number(number ?? 0)).map(msg =>
        invalid(`${path}.port`, number ?? 0, msg),
      ),
    );
    const protocol = port.protocol ?? 'TCP';
    if (!PROTOCOLS.includes(String(protocol))) {
      errs.push(notSupported(`${path}.protocol`, protocol, PROTOCOLS));
    }
    // The server defaults targetPort to port.
    errs.push(
      ...validatePortNumOrName(
        port.targetPort ?? number ?? 0,
        `${path}.targetPort`,
      ),
    );
  });
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  return errs;
}

/** A Service replacing `old`; nothing these manifests set is immutable. */
export function validateServiceUpdate(
  service: unknown,
  _old: unknown,
): FieldError[] {
  return validateService(service);
}
