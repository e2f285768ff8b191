import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## Welcome to the IBIAS Portal

One place for every IBIAS service: who owns it, what it depends on, where it
runs, and how to ship it.

- **Catalog**: the IBIAS system, its Next.js app, API routes and edge
  functions (ai-recommendations, data-sync, report-generation), and the
  resources they use: PostgreSQL, storage buckets, OpenAI and Replicate.
- **Create**: new services from the IBIAS templates, born with CI/CD,
  monitoring and the security baseline.
- **APIs**: the contracts between IBIAS components.

The portal's own README explains how to run it and where each plugin lives.
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'IBIAS Portal',
    description: 'What the IBIAS Portal offers',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget],
});
