export {
  EnvironmentConfigCard,
  type EnvironmentConfigCardProps,
} from './EnvironmentConfigCard';
export { repositoryLocation } from './repositoryLocation';
