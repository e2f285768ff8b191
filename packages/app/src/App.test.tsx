import { render, screen } from '@testing-library/react';
import App from './App';

function renderAppWithConfig(data: Record<string, unknown>) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          app: { title: 'IBIAS Portal' },
          backend: { baseUrl: 'http://localhost:7007' },
          techdocs: {
            storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
          },
          ...data,
        },
        context: 'test',
      },
    ] as any,
  };
  return render(App.createRoot());
}

jest.setTimeout(30_000);

describe('App', () => {
  it('offers guest sign-in on the embedded default', async () => {
    renderAppWithConfig({ ibias: { signIn: { providers: ['guest'] } } });
    expect(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 15000 }),
    ).toBeInTheDocument();
    expect(screen.getAllByText('IBIAS Portal').length).toBeGreaterThan(0);
    expect(screen.queryByText('GitHub')).not.toBeInTheDocument();
  });
});
