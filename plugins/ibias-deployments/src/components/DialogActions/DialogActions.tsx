import type { ReactNode } from 'react';
import { Alert, Button, DialogFooter, Flex } from '@backstage/ui';

export interface DialogActionsProps {
  /** What went wrong last (shown above the buttons). */
  error?: string;
  onCancel(): void;
  onConfirm(): void;
  confirmDisabled: boolean;
  confirmTestId: string;
  /** The action is running (the button shows it). */
  busy?: boolean;
  children: ReactNode;
}

/** The deploy and rollback dialogs' end: the last error, Cancel and the action. */
export function DialogActions(props: DialogActionsProps) {
  return (
    <DialogFooter>
      <Flex direction="column" gap="3" style={{ width: '100%' }}>
        {props.error && (
          <Alert status="danger" icon title={props.error} role="alert" />
        )}
        <Flex justify="end" gap="2">
          <Button variant="secondary" onPress={props.onCancel}>
            Cancel
          </Button>
          <Button
            variant="primary"
            isDisabled={props.confirmDisabled}
            isPending={props.busy}
            onPress={props.onConfirm}
            data-testid={props.confirmTestId}
          >
            {props.children}
          </Button>
        </Flex>
      </Flex>
    </DialogFooter>
  );
}
