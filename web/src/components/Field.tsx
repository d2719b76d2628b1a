import { Anchor, Paper, Text } from '@mantine/core';
import { Link } from 'react-router';

/** A labelled value (detail pages, lead card): small dimmed label above the value, optionally a link. */
export function Field({ label, value, link, testId }: { label: string; value: string; link?: string | undefined; testId?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      {link ? (
        <Anchor component={Link} to={link} data-testid={testId}>
          {value}
        </Anchor>
      ) : (
        <Text data-testid={testId}>{value}</Text>
      )}
    </div>
  );
}

/** A figure in a bordered card (reports, campaign detail); `plain` drops the card for dense settings grids. */
export function StatCard({ label, value, plain = false }: { label: string; value: string; plain?: boolean }) {
  return (
    <Paper withBorder={!plain} p={plain ? 0 : 'sm'}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size={plain ? 'md' : 'xl'} className="tabular">
        {value}
      </Text>
    </Paper>
  );
}
