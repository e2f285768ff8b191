export interface ConfigDifference {
  path: string;
  left: unknown;
  right: unknown;
}

/** Leaf-level differences between two configs (paths with dots; arrays as values). */
export function diffConfigs(left: unknown, right: unknown): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isObject(a) && isObject(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push({ path, left: a, right: b });
    }
  };
  walk(left, right, '');
  return out;
}
