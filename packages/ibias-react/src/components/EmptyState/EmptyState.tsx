import type { ReactNode } from 'react';
import { Flex, Text } from '@backstage/ui';
import { RiInboxLine } from '@remixicon/react';

export interface EmptyStateProps {
  /** What is missing, in words: "No AI usage recorded in this range". */
  title: string;
  /** What to do about it, or why it is empty. */
  description?: ReactNode;
  /** A next step, e.g. a button that widens the range. */
  action?: ReactNode;
  /** An icon in place of the default inbox. */
  icon?: ReactNode;
  /** Keeps the space of what would be there (a chart's height), so the page does not jump. */
  minHeight?: number | string;
  'data-testid'?: string;
}

/**
 * A view with nothing to show, said in words (not an empty table, not a chart of
 * zeros). @backstage/ui 0.20 has no empty state of its own.
 */
export function EmptyState(props: EmptyStateProps) {
  return (
    <Flex
      direction="column"
      align="center"
      justify="center"
      gap="2"
      p="4"
      role="status"
      data-testid={props['data-testid'] ?? 'empty-state'}
      style={{
        minHeight: props.minHeight,
        textAlign: 'center',
        color: 'var(--bui-fg-secondary)',
        border: '1px dashed var(--bui-border-1)',
        borderRadius: 'var(--bui-radius-3)',
      }}
    >
      <span aria-hidden style={{ display: 'inline-flex' }}>
        {props.icon ?? <RiInboxLine size={28} />}
      </span>
      <Text as="p" variant="body-medium" weight="bold">
        {props.title}
      </Text>
      {props.description && (
        <Text as="p" variant="body-small" color="secondary">
          {props.description}
        </Text>
      )}
      {props.action}
    </Flex>
  );
}
