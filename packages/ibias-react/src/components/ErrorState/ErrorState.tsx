import { Alert, Button } from '@backstage/ui';

export interface ErrorStateProps {
  /** What failed, in the reader's words: "The KPIs could not be loaded". */
  title: string;
  /** The error; its message is shown as what the backend said. */
  error?: Error;
  /** Offers "Try again" when given. */
  onRetry?: () => void;
  'data-testid'?: string;
}

/**
 * A view that failed to load: what failed, what the server said, and a retry. Built on
 * @backstage/ui's Alert so it looks like the portal's other errors.
 */
export function ErrorState(props: ErrorStateProps) {
  const onRetry = props.onRetry;
  return (
    <Alert
      status="danger"
      icon
      role="alert"
      title={props.title}
      description={props.error?.message}
      data-testid={props['data-testid'] ?? 'error-state'}
      customActions={
        onRetry && (
          <Button size="small" variant="secondary" onPress={() => onRetry()}>
            Try again
          </Button>
        )
      }
    />
  );
}
