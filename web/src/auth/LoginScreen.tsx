import { useState } from 'react';
import { Alert, Box, Button, Center, Code, Group, Paper, PasswordInput, Stack, TextInput, Title, Text } from '@mantine/core';
import { IconPhone } from '@tabler/icons-react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Trans, useTranslation } from 'react-i18next';
import { login } from './actions';
import { useSession } from './useSession';
import { homeFor } from '../screens/registry';
import { LanguageSelect } from '../app/Layout';
import { ApiError } from '../api/client';

/** Only same-app paths are followed after login (no open redirect through `next`). */
function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
}

export function LoginScreen() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  if (session && !busy) return <Navigate to={session.user.mustChangePassword ? '/password' : (next ?? homeFor(session.user.role))} replace />;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const user = await login(username.trim(), password);
      void navigate(user.mustChangePassword ? '/password' : (next ?? homeFor(user.role)), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.invalid') : err instanceof ApiError && err.status === 429 ? t('login.rateLimited') : t('errors.network'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" bg="gray.1" component="main" id="main">
      <Box w={380} maw="92vw">
        <Group justify="space-between" mb="md">
          <Group gap={8}>
            <IconPhone size={26} color="var(--mantine-color-blue-8)" aria-hidden />
            <Title order={1} size="h2">
              Centralita
            </Title>
          </Group>
          <LanguageSelect compact />
        </Group>
        <Paper withBorder shadow="sm" p="lg" radius="md">
          <form onSubmit={(e) => void submit(e)} noValidate>
            <Stack>
              <Title order={2} size="h4">
                {t('login.title')}
              </Title>
              {params.get('expired') && !error && (
                <Alert color="yellow" role="status">
                  {t('login.expired')}
                </Alert>
              )}
              {error && (
                <Alert color="red" role="alert">
                  {error}
                </Alert>
              )}
              <TextInput label={t('login.username')} name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoFocus />
              <PasswordInput label={t('login.password')} name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
              <Button type="submit" loading={busy} disabled={!username || !password}>
                {t('login.submit')}
              </Button>
              <Text size="xs" c="dimmed">
                {/* The file name in a code span that never wraps: at its hyphen it broke into two lines, which read as two names. */}
                <Trans i18nKey="login.hint" components={{ file: <Code style={{ whiteSpace: 'nowrap' }} /> }} />
              </Text>
            </Stack>
          </form>
        </Paper>
      </Box>
    </Center>
  );
}
