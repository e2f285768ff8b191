import fs from 'node:fs/promises';
import path from 'node:path';
import { SERVICE_NAME_PATTERN } from '../actions/inputs';

/** The only file of a local repository the catalog reads. */
export const CATALOG_INFO_FILE = 'catalog-info.yaml';

/** The event topic that asks the local repositories provider to look again. */
export const LOCAL_REPOS_CHANGED_TOPIC = 'ibias.local-repos.changed';

function isServiceName(name: string) {
  return (
    name.length >= 3 && name.length <= 40 && SERVICE_NAME_PATTERN.test(name)
  );
}

/** The real path of the repositories folder, or undefined while it does not exist. */
export async function realReposRoot(root: string): Promise<string | undefined> {
  const real = await fs.realpath(root).catch(() => undefined);
  if (!real) return undefined;
  const stat = await fs.stat(real).catch(() => undefined);
  return stat?.isDirectory() ? real : undefined;
}

/**
 * The catalog-info.yaml of the local repository `name`, as the catalog may read it: a
 * valid service name, a folder (not a symlink) directly inside the real repositories
 * folder, and a regular file (not a symlink) whose real path is exactly
 * `<realRoot>/<name>/catalog-info.yaml`. Undefined for anything else, without saying why
 * (nothing of the file is read).
 */
export async function localCatalogInfoPath(
  realRoot: string,
  name: string,
): Promise<string | undefined> {
  if (!isServiceName(name)) return undefined;
  const repoDir = path.join(realRoot, name);
  const dirStat = await fs.lstat(repoDir).catch(() => undefined);
  if (!dirStat?.isDirectory()) return undefined;
  const target = path.join(repoDir, CATALOG_INFO_FILE);
  const fileStat = await fs.lstat(target).catch(() => undefined);
  if (!fileStat?.isFile()) return undefined;
  const real = await fs.realpath(target).catch(() => undefined);
  return real === target ? target : undefined;
}

/** Every local repository's catalog-info.yaml the catalog may read, by service name. */
export async function listLocalCatalogInfos(
  root: string,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const realRoot = await realReposRoot(root);
  if (!realRoot) return found;
  const entries = await fs.readdir(realRoot, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const target = await localCatalogInfoPath(realRoot, entry.name);
    if (target) found.set(entry.name, target);
  }
  return found;
}
