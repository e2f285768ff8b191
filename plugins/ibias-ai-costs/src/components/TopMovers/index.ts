export { TopMovers, topMovers } from './TopMovers';
