export { DeployCosts } from './DeployCosts';
