export {
  EnvironmentMatrix,
  type EnvironmentMatrixProps,
} from './EnvironmentMatrix';
