export { AlertList, SeverityTag } from './AlertList';
