export { DerivationDialog } from './DerivationDialog';
