export { DeployDialog, type DeployDialogProps } from './DeployDialog';
