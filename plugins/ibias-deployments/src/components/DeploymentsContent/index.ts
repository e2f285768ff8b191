export {
  DeploymentsContent,
  DeploymentsError,
  DeploymentsLoading,
} from './DeploymentsContent';
