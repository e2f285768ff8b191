// What the page says about this app (from package.json at build time).
import pkg from '../package.json';

export const service = {
  name: pkg.name,
  description: pkg.description,
  version: pkg.version,
};
