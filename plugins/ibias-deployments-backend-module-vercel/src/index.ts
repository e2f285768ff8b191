export { ibiasDeploymentsModuleVercelTarget as default } from './module';
