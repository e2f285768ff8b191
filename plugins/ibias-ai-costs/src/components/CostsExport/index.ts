export { CostsExport } from './CostsExport';
