export {
  BREAK_GLASS_REASON,
  RollbackDialog,
  type RollbackDialogProps,
} from './RollbackDialog';
