export * from './server';
export { signDrainBody } from './logDrain';
export type { DrainDelivery, DrainLogEntry } from './logDrain';
export type {
  Deployment,
  GithubLink,
  Project,
  ReadyState,
  RollingRelease,
  RollingStage,
} from './model';
