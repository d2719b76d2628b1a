/**
 * Every screen of the app in one table: its path, who may open it, whether (and where) it shows in the
 * navigation, and its code (loaded on first visit). Adding a screen = one file under `screens/` + one entry here
 * + its keys in both locale files (see web/README.md).
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import {
  IconAddressBook,
  IconChartBar,
  IconClipboardList,
  IconDeviceDesktopAnalytics,
  IconHeadset,
  IconKey,
  IconPhoneCall,
  IconPhoneOff,
  IconSpeakerphone,
  IconUsers,
  IconUserCog,
  type Icon,
} from '@tabler/icons-react';
import type { Role } from '../api/session';

export const ALL_ROLES: Role[] = ['agent', 'teamlead', 'supervisor', 'admin'];
export const MANAGERS: Role[] = ['teamlead', 'supervisor', 'admin'];

export interface ScreenDef {
  id: string;
  /** react-router path (params as `:id`). */
  path: string;
  /** i18n key of the page title (also the navigation label). */
  titleKey: string;
  roles: Role[];
  /** Navigation group it is listed under; absent = not in the navigation (detail pages). */
  nav?: 'main' | 'admin';
  icon?: Icon;
  Component: LazyExoticComponent<ComponentType>;
}

export const SCREENS: ScreenDef[] = [
  { id: 'agent', path: '/agent', titleKey: 'nav.agent', roles: ['agent'], nav: 'main', icon: IconHeadset, Component: lazy(() => import('./agent/AgentConsoleScreen')) },
  { id: 'calls', path: '/calls', titleKey: 'nav.calls', roles: ALL_ROLES, nav: 'main', icon: IconPhoneCall, Component: lazy(() => import('./calls/CallListScreen')) },
  { id: 'call', path: '/calls/:id', titleKey: 'calls.detailTitle', roles: ALL_ROLES, Component: lazy(() => import('./calls/CallDetailScreen')) },
  { id: 'wallboard', path: '/wallboard', titleKey: 'nav.wallboard', roles: MANAGERS, nav: 'main', icon: IconDeviceDesktopAnalytics, Component: lazy(() => import('./wallboard/WallboardScreen')) },
];

/** Where each role lands after login (and when it opens a screen it may not see). */
export function homeFor(role: Role): string {
  return role === 'agent' ? '/agent' : '/wallboard';
}

export function canOpen(screen: Pick<ScreenDef, 'roles'>, role: Role): boolean {
  return screen.roles.includes(role);
}
