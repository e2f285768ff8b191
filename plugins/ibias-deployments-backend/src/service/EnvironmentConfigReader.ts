import fs from 'node:fs/promises';
import path from 'node:path';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  parseLocationRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  checkBaseline,
  ENVIRONMENTS,
  ENVIRONMENTS_ANNOTATION,
  maskSecrets,
  parseEnvironments,
  type EnvironmentConfigs,
  type EnvironmentsIssue,
} from '@internal/plugin-ibias-deployments-common';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
} from 'yaml';

const isObject = (v: unknown): v is Record<string, unknown> =>
  Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** The largest environments file read (they are a few kilobytes). */
const MAX_BYTES = 1024 * 1024;

/**
 * What a missing file, a file outside the roots, a symlink out of them, a folder or a
 * device all answer: the same words, so an entity's annotation cannot probe the host
 * for what exists outside the roots.
 */
const NOT_READABLE =
  'no readable environments file there inside the folders the portal may read (ibias.deployments.fileRoots)';

/** A refusal whose message is safe to show as it is. */
class Unreadable extends Error {}

/** `value` over `defaults`, objects merged key by key, everything else replaced. */
export function withDefaults(defaults: unknown, value: unknown): unknown {
  if (!isObject(defaults) || !isObject(value)) {
    return value === undefined ? defaults : value;
  }
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(value))
    out[k] = withDefaults(defaults[k], v);
  return out;
}

/**
 * Reads a service's environments file (annotation ibias.io/environments, relative to
 * where the entity is defined) through the URL reader, or from disk for file locations
 * inside the allowed roots; validates it against the seed's EnvironmentConfig, masks
 * secrets and evaluates the baseline rules. Never throws: problems become messages,
 * each with a line and column, never with the file's content.
 *
 * On disk, containment is checked on real paths (every symlink resolved, the roots'
 * too): the entity's own file must be inside a root, the annotation must be a relative
 * path to a `.yaml`/`.yml` file, and the file it names must be a regular file inside a
 * root once resolved.
 */
export class EnvironmentConfigReader {
  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      /** Absolute folders that file locations may read from. */
      fileRoots: string[];
      /**
       * Defaults per environment (ibias.deployments.environmentDefaults): a service's
       * file overrides them field by field.
       */
      defaults?: Record<string, unknown>;
    },
  ) {}

  async read(entity: Entity): Promise<EnvironmentConfigs> {
    const target = entity.metadata.annotations?.[ENVIRONMENTS_ANNOTATION];
    if (!target) {
      return {
        errors: [
          `${entity.metadata.name} has no ${ENVIRONMENTS_ANNOTATION} annotation naming its environments file`,
        ],
        environments: {},
      };
    }
    const shown = target.length > 200 ? `${target.slice(0, 200)}…` : target;
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    let source: string;
    let text: string;
    try {
      ({ source, text } = await this.fetch(target, location));
    } catch (e) {
      return {
        source: shown,
        errors: [
          `Could not read ${shown}: ${
            e instanceof Unreadable
              ? e.message
              : `the URL reader failed (${(e as Error).name ?? 'Error'})`
          }`,
        ],
        environments: {},
      };
    }
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
    if (doc.errors.length > 0) {
      // Positions and codes only: YAML's own messages quote the offending lines.
      return {
        source,
        errors: doc.errors.slice(0, 5).map(error => {
          const pos = error.linePos?.[0];
          return `${source} is not valid YAML at line ${
            pos?.line ?? '?'
          }, column ${pos?.col ?? '?'} (${error.code})`;
        }),
        environments: {},
      };
    }
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      return {
        source,
        errors: [
          `${source} could not be read as data (${
            (e as Error).name
          }: too many aliases?)`,
        ],
        environments: {},
      };
    }
    const parsed = parseEnvironments(
      withDefaults(this.options.defaults ?? {}, data),
    );
    const environments: EnvironmentConfigs['environments'] = {};
    for (const env of ENVIRONMENTS) {
      const config = parsed.environments[env];
      if (config) {
        environments[env] = {
          config: maskSecrets(config),
          baseline: checkBaseline(env, config),
        };
      }
    }
    return {
      source,
      errors: parsed.issues.map(issue => describe(issue, doc, lineCounter)),
      environments,
    };
  }

  private async fetch(target: string, location?: string) {
    if (/^https?:\/\//i.test(target)) {
      return { source: target, text: await this.readUrl(target) };
    }
    if (!location)
      throw new Unreadable('the entity has no location to resolve it from');
    const { type, target: base } = parseLocationRef(location);
    if (type === 'url') {
      const url = new URL(target, base);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new Unreadable('only http(s) URLs are read');
      }
      return {
        source: url.toString(),
        text: await this.readUrl(url.toString()),
      };
    }
    if (type === 'file') {
      return this.readFile(target, base);
    }
    throw new Unreadable(`locations of type ${type} are not supported`);
  }

  /** A file next to the entity's own file, both inside the roots once resolved. */
  private async readFile(target: string, base: string) {
    if (
      path.isAbsolute(target) ||
      path.win32.isAbsolute(target) ||
      /^[a-z][a-z0-9+.-]*:/i.test(target)
    ) {
      throw new Unreadable(
        `for file locations ${ENVIRONMENTS_ANNOTATION} must be a path relative to the entity's file`,
      );
    }
    if (!/\.ya?ml$/i.test(target)) {
      throw new Unreadable(
        `${ENVIRONMENTS_ANNOTATION} must name a .yaml or .yml file`,
      );
    }
    const roots = (
      await Promise.all(
        this.options.fileRoots.map(root =>
          fs.realpath(root).catch(() => undefined),
        ),
      )
    ).filter((r): r is string => r !== undefined);
    const inside = (file: string) =>
      roots.some(root => {
        const rel = path.relative(root, file);
        return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
      });
    // The entity's own file first: an entity registered from outside the roots gets
    // nothing read on its behalf, whatever its annotation says.
    const entityFile = await fs.realpath(base).catch(() => undefined);
    if (!entityFile || !inside(entityFile)) throw new Unreadable(NOT_READABLE);
    const wanted = path.resolve(path.dirname(base), target);
    const real = await fs.realpath(wanted).catch(() => undefined);
    if (!real || !inside(real) || !/\.ya?ml$/i.test(real)) {
      throw new Unreadable(NOT_READABLE);
    }
    const stat = await fs.stat(real).catch(() => undefined);
    if (!stat?.isFile() || stat.size > MAX_BYTES) {
      throw new Unreadable(NOT_READABLE);
    }
    const text = await fs.readFile(real, 'utf8').catch(() => undefined);
    if (text === undefined) throw new Unreadable(NOT_READABLE);
    // Shown to users: where the file lives under its root (`services/ibias-api/…`,
    // `repos/<name>/…`), never a path on the portal's host.
    const root = roots.find(r => real.startsWith(`${r}${path.sep}`))!;
    return {
      source: path.join(path.basename(root), path.relative(root, real)),
      text,
    };
  }

  private async readUrl(url: string) {
    const response = await this.options.urlReader.readUrl(url);
    const buffer = await response.buffer();
    if (buffer.length > MAX_BYTES) {
      throw new Unreadable(`the file is larger than ${MAX_BYTES} bytes`);
    }
    return buffer.toString('utf8');
  }
}

/**
 * An issue with where it is: the line and column of the deepest key of its path present
 * in the file (a missing field points at its parent; a field only the defaults carry, at
 * the start of the file). Never the value.
 */
function describe(
  issue: EnvironmentsIssue,
  doc: Document,
  lineCounter: LineCounter,
): string {
  let node: unknown = doc.contents;
  let offset = 0;
  const located = (n: unknown) => {
    const range = (n as { range?: [number, number, number] } | null)?.range;
    if (range) offset = range[0];
  };
  located(node);
  for (const key of issue.path) {
    if (isMap(node)) {
      const pair = node.items.find(
        p => isScalar(p.key) && String(p.key.value) === key,
      );
      if (!pair) break;
      located(pair.key);
      node = pair.value;
      located(node);
    } else if (isSeq(node)) {
      node = node.items[Number(key)];
      if (!node) break;
      located(node);
    } else {
      break;
    }
  }
  const { line, col } = lineCounter.linePos(offset);
  const where = `line ${line}, column ${col}`;
  if (issue.path.length === 1 && issue.message.startsWith('not an IBIAS')) {
    // The key itself is the file's content: say where it is, not what it says.
    return `A top-level key at ${where} is not an IBIAS environment (ignored)`;
  }
  const at = issue.path.join('.') || '(root)';
  return `${at}: ${issue.message} (${where})`;
}
