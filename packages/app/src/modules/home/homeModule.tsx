import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
  type HomePageLayoutProps,
} from '@backstage/plugin-home-react/alpha';
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

/**
 * The welcome first, then the KPIs the person may see, alerts on what they own, and
 * their teams' AI spend against budgets.
 */
const ORDER = ['GettingStarted', 'IbiasKpis', 'IbiasMyAlerts', 'IbiasAiSpend'];
/**
 * The home plugin's own widgets shown after ours; the others need set-up the portal
 * does not have (visit tracking, clocks) or reach the internet (the joke).
 */
const ALSO = /starred|notification/i;

function StackedHome({ widgets }: HomePageLayoutProps) {
  const rank = (name?: string) => {
    const i = ORDER.indexOf(name ?? '');
    return i < 0 ? ORDER.length : i;
  };
  return (
    <div
      style={{
        display: 'flex',
        flexDirection: 'column',
        gap: 'var(--bui-space-4)',
        padding: 'var(--bui-space-4)',
      }}
      data-testid="home-widgets"
    >
      {widgets
        .filter(
          w =>
            ORDER.includes(w.name ?? '') ||
            ALSO.test(`${w.name ?? ''} ${w.title ?? ''}`),
        )
        .sort((a, b) => rank(a.name) - rank(b.name))
        .map(w => (
          <div key={w.node.spec.id}>{w.component}</div>
        ))}
    </div>
  );
}

/**
 * Every installed widget, stacked: the portal's home shows the same for everyone (what
 * each widget shows depends on who is signed in), with no per-user arranging to lose.
 */
const stackedHomeLayout = HomePageLayoutBlueprint.make({
  name: 'stacked',
  params: { loader: async () => StackedHome },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget, stackedHomeLayout],
});
