import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The AI costs page (its own module, so components link to it without the plugin). */
export const rootRouteRef = createRouteRef();
