/**
 * An agent phone's PJSIP config (issue #12), as `asterisk:config --agents` writes it. Centralita keeps no SIP
 * password, so the config first shows a placeholder; "Generate new SIP password" (after a confirm: the phone's old
 * password stops working once the box takes the new config) shows the new one this once, in the config to copy.
 * The confirm can also push the phone live through ARI (until Asterisk restarts); Asterisk's answer is shown as is.
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Code, CopyButton, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';

export interface PhoneAgent {
  id: string;
  name: string;
}

export default function AgentPhoneModal({ agent, onClose }: { agent: PhoneAgent | null; onClose: () => void }) {
  const { t } = useTranslation();
  // The modal keeps the last agent's name while it fades out.
  const [shown, setShown] = useState<PhoneAgent | null>(agent);
  if (agent !== null && agent !== shown) setShown(agent);
  return (
    <Modal opened={agent !== null} onClose={onClose} title={t('agents.phoneTitle', { name: shown?.name ?? '' })} size="lg">
      {shown && <PhoneConfig key={shown.id} agent={shown} />}
    </Modal>
  );
}

function PhoneConfig({ agent }: { agent: PhoneAgent }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [push, setPush] = useState(false);
  const config = useQuery({
    queryKey: ['agent-pjsip', agent.id],
    queryFn: () => unwrap(api.GET('/api/agents/{id}/pjsip', { params: { path: { id: agent.id } }, parseAs: 'text' })),
    retry: false,
    gcTime: 0,
  });
  // Held in this component only: closing the modal forgets the password, as the server already has.
  const generate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/agents/{id}/sip-password', { params: { path: { id: agent.id } }, body: { push } })),
    onSettled: () => setConfirming(false),
  });
  if (config.isError) return <Alert color="red">{(config.error as Error).message}</Alert>;
  if (config.isLoading) return <Loader aria-label={t('common.loading')} />;
  const text = generate.data?.config ?? config.data ?? '';
  return (
    <Stack>
      <Text size="sm">{t('agents.phoneText')}</Text>
      {generate.data ? (
        <Alert color="yellow" title={t('agents.passwordShownOnce', { extension: generate.data.extension })}>
          <Code data-testid="agent-sip-password">{generate.data.password}</Code>
        </Alert>
      ) : (
        <Text size="sm" c="dimmed">
          {t('agents.noPasswordKept')}
        </Text>
      )}
      <Code block data-testid="agent-phone-config">
        {text}
      </Code>
      {generate.data?.push &&
        (generate.data.push.error === null ? (
          <Alert color="green">{t('agents.pushed', { count: generate.data.push.pushed.length })}</Alert>
        ) : (
          <Alert color="red" title={t('agents.pushFailed')}>
            {generate.data.push.error}
          </Alert>
        ))}
      {generate.isError && <Alert color="red">{(generate.error as Error).message}</Alert>}
      {confirming ? (
        <Alert color="orange" title={t('agents.confirmTitle')}>
          <Stack gap="xs">
            <Text size="sm">{t('agents.confirmText')}</Text>
            <Checkbox label={t('agents.pushToo')} description={t('agents.pushHint')} checked={push} onChange={(e) => setPush(e.currentTarget.checked)} />
            <Group>
              <Button color="orange" onClick={() => generate.mutate()} loading={generate.isPending}>
                {t('agents.confirmGenerate')}
              </Button>
              <Button variant="default" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : (
        <Group>
          <CopyButton value={text}>{({ copied, copy }) => <Button onClick={copy}>{copied ? t('agents.copied') : t('agents.copy')}</Button>}</CopyButton>
          <Button variant="light" color="orange" onClick={() => setConfirming(true)}>
            {t('agents.generatePassword')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
