export {
  DeploymentDetails,
  type DeploymentDetailsProps,
} from './DeploymentDetails';
