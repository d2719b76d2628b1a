import { useState } from 'react';
import { Alert, Box, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { Navigate, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { notifications } from '@mantine/notifications';
import { changePassword, logout } from './actions';
import { useSession } from './useSession';
import { homeFor } from '../screens/registry';
import { ApiError } from '../api/client';

export const MIN_PASSWORD = 12;

/** First login with a generated password, or a password change from the user menu. */
export function ChangePasswordScreen() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (!session) return <Navigate to="/login" replace />;
  const forced = session.user.mustChangePassword;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (next.length < MIN_PASSWORD) errs.new_password = t('password.tooShort', { n: MIN_PASSWORD });
    if (next !== repeat) errs.repeat = t('password.mismatch');
    if (next === current) errs.new_password = t('password.same');
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    try {
      await changePassword(current, next);
      notifications.show({ color: 'green', message: t('password.changed') });
      void navigate(homeFor(session.user.role), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setErrors({ current_password: t('password.wrongCurrent') });
      else if (err instanceof ApiError && err.details.length > 0) setErrors(err.fieldErrors(t));
      else setErrors({ form: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" bg="gray.1" component="main" id="main">
      <Box w={420} maw="92vw">
        <Paper withBorder shadow="sm" p="lg" radius="md">
          <form onSubmit={(e) => void submit(e)} noValidate>
            <Stack>
              <Title order={1} size="h3">
                {forced ? t('password.firstTitle') : t('password.title')}
              </Title>
              {forced && <Text size="sm">{t('password.firstText')}</Text>}
              {errors.form && (
                <Alert color="red" role="alert">
                  {errors.form}
                </Alert>
              )}
              <PasswordInput label={t('password.current')} autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={errors.current_password} />
              <PasswordInput
                label={t('password.new')}
                description={t('password.rule', { n: MIN_PASSWORD })}
                autoComplete="new-password"
                required
                value={next}
                onChange={(e) => setNext(e.currentTarget.value)}
                error={errors.new_password}
              />
              <PasswordInput label={t('password.repeat')} autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.currentTarget.value)} error={errors.repeat} />
              <Button type="submit" loading={busy}>
                {t('password.submit')}
              </Button>
              {forced ? (
                <Button variant="subtle" onClick={() => void logout()}>
                  {t('layout.logout')}
                </Button>
              ) : (
                <Button variant="subtle" onClick={() => void navigate(-1)}>
                  {t('common.cancel')}
                </Button>
              )}
            </Stack>
          </form>
        </Paper>
      </Box>
    </Center>
  );
}
