import { Flex, Link, Text } from '@backstage/ui';
import type { Recommendation } from '../../api';
import { SeverityTag } from '../AlertList';

/** Recommendations, each with its evidence (rule, summary, values) and actions. */
export function RecommendationList(props: { items: Recommendation[] }) {
  return (
    <Flex direction="column" gap="3" data-testid="recommendations">
      {props.items.map(r => (
        <Flex
          key={r.id}
          direction="column"
          gap="1"
          style={{
            borderBottom: '1px solid var(--bui-border-1)',
            paddingBottom: 'var(--bui-space-2)',
          }}
        >
          <Flex gap="2" align="center">
            <SeverityTag tone={r.severity}>{r.severity}</SeverityTag>
            <Text weight="bold">{r.title}</Text>
          </Flex>
          <Text variant="body-small" color="secondary">
            Evidence: {r.evidence.summary} (rule {r.evidence.rule})
          </Text>
          <Text variant="body-x-small" color="secondary" data-testid="evidence">
            {Object.entries(r.evidence.values)
              .map(
                ([k, v]) =>
                  `${k} = ${typeof v === 'number' ? +v.toPrecision(4) : v}`,
              )
              .join(' · ')}
          </Text>
          <Flex gap="3">
            {r.actions.map(a => (
              <Link key={a.href} href={a.href}>
                {a.label}
              </Link>
            ))}
          </Flex>
        </Flex>
      ))}
    </Flex>
  );
}
