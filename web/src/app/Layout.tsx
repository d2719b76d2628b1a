import type { ReactNode } from 'react';
import { AppShell, Badge, Burger, Group, Menu, NavLink, ScrollArea, Select, Text, Title, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconLogout, IconPhone } from '@tabler/icons-react';
import { Link, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/useSession';
import { logout } from '../auth/actions';
import { SCREENS, canOpen } from '../screens/registry';
import { LANGUAGES } from '../i18n';
import { LiveBanner } from '../live/LiveBanner';

export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('layout.language')}
      data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))}
      value={i18n.language}
      onChange={(v) => v && void i18n.changeLanguage(v)}
      allowDeselect={false}
      w={compact ? 120 : 140}
      size="xs"
      comboboxProps={{ withinPortal: true }}
    />
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  if (!session) return null;
  const role = session.user.role;
  const visible = SCREENS.filter((s) => s.nav && canOpen(s, role));
  const link = (s: (typeof visible)[number]) => {
    const Icon = s.icon;
    const active = location.pathname === s.path || location.pathname.startsWith(`${s.path}/`);
    return (
      <NavLink
        key={s.id}
        component={Link}
        to={s.path}
        label={t(s.titleKey)}
        leftSection={Icon ? <Icon size={18} stroke={1.6} aria-hidden /> : null}
        active={active}
        aria-current={active ? 'page' : undefined}
        onClick={close}
      />
    );
  };
  const admin = visible.filter((s) => s.nav === 'admin');
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('layout.toggleNavigation')} />
            <IconPhone size={22} aria-hidden color="var(--mantine-color-blue-8)" />
            <Title order={2} size="h4">
              Centralita
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSelect />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={t('layout.userMenu')} data-testid="user-menu">
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={600}>
                      {session.user.username}
                    </Text>
                    <Badge color="gray">{t(`roles.${role}`)}</Badge>
                    <IconChevronDown size={14} aria-hidden />
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item component={Link} to="/password">
                  {t('layout.changePassword')}
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={() => void logout()}>
                  {t('layout.logout')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t('layout.navigation')}>
        <ScrollArea>
          {visible.filter((s) => s.nav === 'main').map(link)}
          {admin.length > 0 && (
            <Text size="xs" c="dimmed" fw={700} tt="uppercase" mt="md" mb={4} px="sm">
              {t('layout.administration')}
            </Text>
          )}
          {admin.map(link)}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <LiveBanner />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
