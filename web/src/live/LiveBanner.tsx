import { Alert, Loader, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLive } from './LiveProvider';

/** Visible whenever the live feed dropped and is being re-established. */
export function LiveBanner() {
  const { status } = useLive();
  const { t } = useTranslation();
  if (status !== 'reconnecting') return null;
  return (
    <Alert color="orange" variant="filled" mb="md" role="status" data-testid="live-banner">
      <Group gap="sm">
        <Loader size="xs" color="white" aria-hidden />
        <Text size="sm" fw={600}>
          {t('live.reconnecting')}
        </Text>
      </Group>
    </Alert>
  );
}
