/**
 * Where an environments file lives, as a user should see it: a URL (its place in the
 * service's repository) or a path relative to the repository. A path on the portal's
 * host (absolute, home-relative, a drive or a file: URL) says nothing to the user and
 * tells an attacker about the host, so it gives undefined.
 */
export function repositoryLocation(
  source: string | undefined,
): { url: string } | { path: string } | undefined {
  if (!source) return undefined;
  const value = source.trim();
  if (/^https?:\/\//i.test(value)) return { url: value };
  const onHost =
    value.startsWith('/') ||
    value.startsWith('\\') ||
    value.startsWith('~') ||
    /^[a-z]:[\\/]/i.test(value) ||
    /^[a-z][a-z0-9+.-]*:/i.test(value) ||
    value.split(/[\\/]/).includes('..');
  return onHost ? undefined : { path: value.replace(/^\.\//, '') };
}
