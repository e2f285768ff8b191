export interface Config {
  ibias?: {
    signIn?: {
      /**
       * The sign-in providers the sign-in page offers, in order: `guest` on the embedded
       * default, `github` in production.
       * @visibility frontend
       */
      providers?: Array<'guest' | 'github'>;
    };
  };
}
