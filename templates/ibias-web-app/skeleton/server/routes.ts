// Bounded route labels for metrics and logs: the page or API route Next.js built
// (from .next/routes-manifest.json), a fixed label for static assets, or `unmatched`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const OWN_ROUTES = ['/health', '/ready', '/metrics'] as const;

interface ManifestRoute {
  page: string;
  regex: string;
}

export type RouteLabeler = (path: string) => string;

export function createRouteLabeler(routes: ManifestRoute[]): RouteLabeler {
  const own = new Set<string>(OWN_ROUTES);
  const compiled = routes
    .filter(r => !r.page.startsWith('/_'))
    .map(r => ({ page: r.page, regex: new RegExp(r.regex) }));
  return path => {
    if (own.has(path)) return path;
    if (path.startsWith('/_next/static/')) return '/_next/static';
    if (path.startsWith('/_next/image')) return '/_next/image';
    if (path === '/favicon.ico') return path;
    return compiled.find(r => r.regex.test(path))?.page ?? 'unmatched';
  };
}

/** Reads the routes of a built Next.js app in `dir`. */
export function loadRouteLabeler(dir: string): RouteLabeler {
  const manifest = JSON.parse(
    readFileSync(join(dir, '.next', 'routes-manifest.json'), 'utf8'),
  ) as { staticRoutes?: ManifestRoute[]; dynamicRoutes?: ManifestRoute[] };
  return createRouteLabeler([
    ...(manifest.staticRoutes ?? []),
    ...(manifest.dynamicRoutes ?? []),
  ]);
}
