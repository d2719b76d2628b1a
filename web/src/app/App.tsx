import { Suspense, useEffect, useMemo } from 'react';
import { MantineProvider, Center, Loader, createTheme, mergeThemeOverrides } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider, QueryCache, MutationCache } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { cssVariablesResolver, theme } from './theme';
import { lastEndReason, onSessionChange } from '../api/session';
import { useSession } from '../auth/useSession';
import { LoginScreen } from '../auth/LoginScreen';
import { ChangePasswordScreen } from '../auth/ChangePasswordScreen';
import { SCREENS, homeFor } from '../screens/registry';
import { Layout } from './Layout';
import { RequireRole } from './RequireRole';
import { NotFound } from './NotFound';
import { LiveProvider } from '../live/LiveProvider';
import { ApiError } from '../api/client';
import { useTranslation } from 'react-i18next';
import { setNonce } from 'get-nonce';

/**
 * The CSP nonce the server put in index.html (api/web): the <style> elements written at run time carry it —
 * Mantine's through `getStyleNonce`, and the scroll lock of modals (react-remove-scroll, through get-nonce).
 */
const cspNonce = document.querySelector('meta[name="csp-nonce"]')?.getAttribute('content') ?? '';
if (cspNonce) setNonce(cspNonce);
const styleNonce = (): string => cspNonce;

function SkipLink() {
  const { t } = useTranslation();
  return (
    <a className="skip-link" href="#main">
      {t('layout.skipToContent')}
    </a>
  );
}

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 401/403/404 will not get better by asking again.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
  queryCache: new QueryCache(),
  mutationCache: new MutationCache(),
});

/** An expired session goes back to login, remembering the page it was on. */
function SessionWatcher() {
  const navigate = useNavigate();
  const location = useLocation();
  useEffect(
    () =>
      onSessionChange((s, reason) => {
        if (s) return;
        queryClient.clear();
        if (reason === 'expired') {
          const next = location.pathname + location.search;
          void navigate(`/login?expired=1&next=${encodeURIComponent(next)}`, { replace: true });
        } else void navigate('/login', { replace: true });
      }),
    [navigate, location],
  );
  return null;
}

function Protected() {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={`/login?${lastEndReason() === 'expired' ? 'expired=1&' : ''}next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (session.user.mustChangePassword) return <Navigate to="/password" replace />;
  return (
    <LiveProvider>
      <Layout>
        <Suspense
          fallback={
            <Center h={200}>
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          <Routes>
            <Route index element={<Navigate to={homeFor(session.user.role)} replace />} />
            {SCREENS.map((s) => (
              <Route
                key={s.id}
                path={s.path}
                element={
                  <RequireRole screen={s}>
                    <s.Component />
                  </RequireRole>
                }
              />
            ))}
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </Layout>
    </LiveProvider>
  );
}

export function App() {
  const { t } = useTranslation();
  // Close and clear buttons carry only an icon: their accessible names follow the UI language.
  const localized = useMemo(
    () =>
      mergeThemeOverrides(
        theme,
        createTheme({
          components: {
            Select: { defaultProps: { clearButtonProps: { 'aria-label': t('common.clear') } } },
            FileInput: { defaultProps: { clearButtonProps: { 'aria-label': t('common.clear') } } },
            Notification: { defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } },
            Modal: { defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } },
          },
        }),
      ),
    [t],
  );
  return (
    <MantineProvider theme={localized} defaultColorScheme="light" cssVariablesResolver={cssVariablesResolver} getStyleNonce={styleNonce}>
      <Notifications position="top-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <SkipLink />
          <SessionWatcher />
          <Routes>
            <Route path="/login" element={<LoginScreen />} />
            <Route path="/password" element={<ChangePasswordScreen />} />
            <Route path="/*" element={<Protected />} />
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
