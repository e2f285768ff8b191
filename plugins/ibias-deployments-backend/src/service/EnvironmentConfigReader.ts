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
} from '@internal/plugin-ibias-deployments-common';
import { parse as parseYaml } from 'yaml';

const isObject = (v: unknown): v is Record<string, unknown> =>
  Boolean(v) && typeof v === 'object' && !Array.isArray(v);

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
 * secrets and evaluates the baseline rules. Never throws: problems become messages.
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
    const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    let source: string;
    let text: string;
    try {
      ({ source, text } = await this.fetch(target, location));
    } catch (e) {
      return {
        source: target,
        errors: [`Could not read ${target}: ${(e as Error).message}`],
        environments: {},
      };
    }
    let data: unknown;
    try {
      data = parseYaml(text);
    } catch (e) {
      return {
        source,
        errors: [`${source} is not valid YAML: ${(e as Error).message}`],
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
    return { source, errors: parsed.errors, environments };
  }

  private async fetch(target: string, location?: string) {
    if (/^https?:\/\//.test(target)) {
      return { source: target, text: await this.readUrl(target) };
    }
    if (!location)
      throw new Error('the entity has no location to resolve it from');
    const { type, target: base } = parseLocationRef(location);
    if (type === 'url') {
      const url = new URL(target, base).toString();
      return { source: url, text: await this.readUrl(url) };
    }
    if (type === 'file') {
      const file = path.resolve(path.dirname(base), target);
      const allowed = this.options.fileRoots.some(root => {
        const rel = path.relative(root, file);
        return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
      });
      if (!allowed) {
        throw new Error(
          `${file} is outside the folders the portal may read (ibias.deployments.fileRoots)`,
        );
      }
      return { source: file, text: await fs.readFile(file, 'utf8') };
    }
    throw new Error(`locations of type ${type} are not supported`);
  }

  private async readUrl(url: string) {
    const response = await this.options.urlReader.readUrl(url);
    return (await response.buffer()).toString('utf8');
  }
}
