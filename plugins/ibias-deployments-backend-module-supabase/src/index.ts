export { ibiasDeploymentsModuleSupabaseTarget as default } from './module';
