import type { ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import DialogActions from '@material-ui/core/DialogActions';
import Alert from '@material-ui/lab/Alert';

export interface DialogFooterProps {
  /** What went wrong last (shown above the buttons). */
  error?: string;
  onCancel(): void;
  onConfirm(): void;
  confirmDisabled: boolean;
  confirmTestId: string;
  children: ReactNode;
}

/** The deploy and rollback dialogs' end: the last error, Cancel and the action. */
export function DialogFooter(props: DialogFooterProps) {
  return (
    <>
      {props.error && (
        <Alert severity="error" style={{ margin: '0 24px 8px' }}>
          {props.error}
        </Alert>
      )}
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={props.confirmDisabled}
          onClick={props.onConfirm}
          data-testid={props.confirmTestId}
        >
          {props.children}
        </Button>
      </DialogActions>
    </>
  );
}
