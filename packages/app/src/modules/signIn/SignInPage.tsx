import {
  SignInPage as CoreSignInPage,
  SignInProviderConfig,
} from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';

type IdentityProviders = Array<'guest' | SignInProviderConfig>;

const githubProvider: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in with your GitHub account',
  apiRef: githubAuthApiRef,
};

/**
 * Offers the providers listed in `ibias.signIn.providers`: guest on the embedded default,
 * GitHub in production (app-config.production.yaml), so guest is never offered there.
 */
export function SignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const names = config.getOptionalStringArray('ibias.signIn.providers') ?? [
    'guest',
  ];
  const providers: IdentityProviders = names.flatMap(
    (name): IdentityProviders => {
      if (name === 'guest') return ['guest'];
      if (name === 'github') return [githubProvider];
      return [];
    },
  );
  return (
    <CoreSignInPage
      {...props}
      title="IBIAS Portal"
      align="center"
      providers={providers.length > 0 ? providers : ['guest']}
    />
  );
}
