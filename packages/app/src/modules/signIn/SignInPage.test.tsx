import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { SignInPage } from './SignInPage';

function renderWithProviders(providers?: string[]) {
  return renderInTestApp(<SignInPage onSignInSuccess={jest.fn()} />, {
    config: {
      app: { title: 'IBIAS Portal (test)' },
      backend: { baseUrl: 'http://localhost:7007' },
      ...(providers ? { ibias: { signIn: { providers } } } : {}),
    },
  });
}

describe('SignInPage', () => {
  it.each([
    { providers: undefined, guest: true, github: false },
    { providers: ['guest'], guest: true, github: false },
    { providers: ['github'], guest: false, github: true },
    { providers: ['github', 'guest'], guest: true, github: true },
    // An unknown name is ignored rather than leaving an empty page.
    { providers: ['saml'], guest: true, github: false },
  ])('offers $providers → guest=$guest github=$github', async c => {
    renderWithProviders(c.providers);
    expect(await screen.findAllByText('IBIAS Portal')).not.toHaveLength(0);
    expect(screen.queryByText('Guest') !== null).toBe(c.guest);
    expect(screen.queryByText('GitHub') !== null).toBe(c.github);
  });
});
