/** The deployable service the backend tests use: ibias-api, owned by web-team. */
export const IBIAS_API_ENTITY = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ibias-api',
    namespace: 'default',
    annotations: { 'ibias.io/environments': './environments.yaml' },
  },
  spec: { owner: 'group:default/web-team' },
};
