import { Container, Flex, Tab, TabList, TabPanel, Tabs } from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useUrlState } from '@internal/ibias-react';
import { AlertsView } from '../AlertsView';
import { CostsView } from '../CostsView';
import { DeployCosts } from '../DeployCosts';

const TABS = ['spend', 'alerts'] as const;
type TabKey = (typeof TABS)[number];

/** /ibias-ai-costs: the spend, and the alerts of the teams the reader may see. */
export function AiCostsPage() {
  const [state, setState] = useUrlState({ tab: 'spend' });
  const tab: TabKey = TABS.includes(state.tab as TabKey)
    ? (state.tab as TabKey)
    : 'spend';
  return (
    <Container py="4">
      <Tabs
        selectedKey={tab}
        onSelectionChange={k => setState({ tab: String(k) })}
      >
        <TabList aria-label="AI costs">
          <Tab id="spend">Spend</Tab>
          <Tab id="alerts">Alerts</Tab>
        </TabList>
        <TabPanel id="spend">
          <Flex direction="column" pt="4">
            <CostsView title="AI costs" defaultGroupBy="team" />
          </Flex>
        </TabPanel>
        <TabPanel id="alerts">
          <Flex direction="column" pt="4">
            <AlertsView title="AI cost alerts" />
          </Flex>
        </TabPanel>
      </Tabs>
    </Container>
  );
}

/** The AI costs tab of a service: its spend, its alerts and its cost per deploy. */
export function AiCostsEntityContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  return (
    <Flex direction="column" gap="5">
      <CostsView
        title="AI costs"
        entityRef={entityRef}
        defaultGroupBy="model"
      />
      <AlertsView title="AI cost alerts" entityRef={entityRef} />
      <DeployCosts entityRef={entityRef} />
    </Flex>
  );
}
