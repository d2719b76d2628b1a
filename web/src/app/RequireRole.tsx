import { useEffect, type ReactNode } from 'react';
import { Navigate } from 'react-router';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/useSession';
import { canOpen, homeFor, type ScreenDef } from '../screens/registry';

/** A screen the role may not open sends it home with a notice (the API would answer 403 anyway). */
export function RequireRole({ screen, children }: { screen: ScreenDef; children: ReactNode }) {
  const session = useSession();
  const { t } = useTranslation();
  const allowed = session !== null && canOpen(screen, session.user.role);
  useEffect(() => {
    if (session && !allowed) {
      notifications.show({ id: 'forbidden', color: 'orange', title: t('errors.forbiddenTitle'), message: t('errors.forbiddenScreen', { screen: t(screen.titleKey) }) });
    }
  }, [allowed, session, screen, t]);
  if (!session) return null;
  if (!allowed) return <Navigate to={homeFor(session.user.role)} replace />;
  return <>{children}</>;
}
