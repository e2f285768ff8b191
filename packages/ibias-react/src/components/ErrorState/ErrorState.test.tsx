import { fireEvent, render, screen } from '@testing-library/react';
import { ErrorState } from './ErrorState';

describe('ErrorState', () => {
  it('says what failed and what the server said, and retries', () => {
    const retry = jest.fn();
    render(
      <ErrorState
        title="The KPIs could not be loaded"
        error={new Error('Request failed with 503 Service Unavailable')}
        onRetry={retry}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('The KPIs could not be loaded');
    expect(alert).toHaveTextContent(
      'Request failed with 503 Service Unavailable',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledTimes(1);
  });

  it('offers no retry without onRetry', () => {
    render(<ErrorState title="Failed" />);
    expect(screen.getByRole('alert')).toHaveTextContent('Failed');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
