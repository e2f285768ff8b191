import { fireEvent, render, screen } from '@testing-library/react';
import { Button } from '@backstage/ui';
import { EmptyState } from './EmptyState';

describe('EmptyState', () => {
  it('says what is missing and offers the next step', () => {
    const widen = jest.fn();
    render(
      <EmptyState
        title="No AI usage recorded in this range"
        description="Usage appears within an hour of the first request."
        action={<Button onPress={widen}>Show the last 90 days</Button>}
        minHeight={240}
      />,
    );
    const state = screen.getByRole('status');
    expect(state).toHaveTextContent('No AI usage recorded in this range');
    expect(state).toHaveTextContent('Usage appears within an hour');
    expect(state).toHaveStyle({ minHeight: '240px' });
    fireEvent.click(
      screen.getByRole('button', { name: 'Show the last 90 days' }),
    );
    expect(widen).toHaveBeenCalledTimes(1);
  });

  it('needs only a title', () => {
    render(<EmptyState title="Nothing yet" data-testid="nothing" />);
    expect(screen.getByTestId('nothing')).toHaveTextContent(/^Nothing yet$/);
  });
});
