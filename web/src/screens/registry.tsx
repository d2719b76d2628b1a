/**
 * Every screen of the app in one table: its path, who may open it, whether (and where) it shows in the
 * navigation, and its code (loaded on first visit). Adding a screen = one file under `screens/` + one entry here
 * + its keys in both locale files (see web/README.md).
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import {
  IconAddressBook,
  IconChartBar,
  IconChecklist,
  IconClipboardList,
  IconDeviceDesktopAnalytics,
  IconHeadset,
  IconKey,
  IconMicrophone,
  IconPhoneCall,
  IconPhoneIncoming,
  IconPhoneOff,
  IconPlugConnected,
  IconScale,
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
  { id: 'wallboard', path: '/wallboard', titleKey: 'nav.wallboard', roles: MANAGERS, nav: 'main', icon: IconDeviceDesktopAnalytics, Component: lazy(() => import('./wallboard/WallboardScreen')) },
  { id: 'campaigns', path: '/campaigns', titleKey: 'nav.campaigns', roles: MANAGERS, nav: 'main', icon: IconSpeakerphone, Component: lazy(() => import('./campaigns/CampaignListScreen')) },
  { id: 'campaign-new', path: '/campaigns/new', titleKey: 'campaigns.newTitle', roles: ['supervisor', 'admin'], Component: lazy(() => import('./campaigns/CampaignEditScreen')) },
  { id: 'campaign', path: '/campaigns/:id', titleKey: 'campaigns.detailTitle', roles: MANAGERS, Component: lazy(() => import('./campaigns/CampaignDetailScreen')) },
  { id: 'campaign-edit', path: '/campaigns/:id/edit', titleKey: 'campaigns.editTitle', roles: ['supervisor', 'admin'], Component: lazy(() => import('./campaigns/CampaignEditScreen')) },
  { id: 'leads', path: '/leads', titleKey: 'nav.leads', roles: MANAGERS, nav: 'main', icon: IconAddressBook, Component: lazy(() => import('./leads/LeadListScreen')) },
  { id: 'lead-import', path: '/leads/import', titleKey: 'import.title', roles: ['supervisor', 'admin'], Component: lazy(() => import('./leads/LeadImportScreen')) },
  { id: 'lead', path: '/leads/:id', titleKey: 'leads.detailTitle', roles: MANAGERS, Component: lazy(() => import('./leads/LeadDetailScreen')) },
  { id: 'dnc', path: '/dnc', titleKey: 'nav.dnc', roles: MANAGERS, nav: 'main', icon: IconPhoneOff, Component: lazy(() => import('./leads/DncScreen')) },
  { id: 'calls', path: '/calls', titleKey: 'nav.calls', roles: ALL_ROLES, nav: 'main', icon: IconPhoneCall, Component: lazy(() => import('./calls/CallListScreen')) },
  { id: 'recordings', path: '/recordings', titleKey: 'nav.recordings', roles: ALL_ROLES, nav: 'main', icon: IconMicrophone, Component: lazy(() => import('./qa/RecordingListScreen')) },
  { id: 'calibration', path: '/qa/calibration', titleKey: 'nav.calibration', roles: MANAGERS, nav: 'main', icon: IconScale, Component: lazy(() => import('./qa/CalibrationScreen')) },
  { id: 'scorecards', path: '/qa/scorecards', titleKey: 'nav.scorecards', roles: ['supervisor', 'admin'], nav: 'main', icon: IconChecklist, Component: lazy(() => import('./qa/ScorecardsScreen')) },
  { id: 'recording', path: '/recordings/:id', titleKey: 'recordings.detailTitle', roles: ALL_ROLES, Component: lazy(() => import('./qa/RecordingDetailScreen')) },
  { id: 'queues', path: '/queues', titleKey: 'nav.queues', roles: ['supervisor', 'admin'], nav: 'main', icon: IconPhoneIncoming, Component: lazy(() => import('./queues/QueuesScreen')) },
  { id: 'reports', path: '/reports', titleKey: 'nav.reports', roles: ALL_ROLES, nav: 'main', icon: IconChartBar, Component: lazy(() => import('./reports/ReportsScreen')) },
  { id: 'users', path: '/admin/users', titleKey: 'nav.users', roles: ['admin'], nav: 'admin', icon: IconUsers, Component: lazy(() => import('./admin/UsersScreen')) },
  { id: 'agents', path: '/admin/agents', titleKey: 'nav.agents', roles: ['supervisor', 'admin'], nav: 'admin', icon: IconUserCog, Component: lazy(() => import('./admin/AgentsScreen')) },
  { id: 'trunks', path: '/admin/trunks', titleKey: 'nav.trunks', roles: ['supervisor', 'admin'], nav: 'admin', icon: IconPlugConnected, Component: lazy(() => import('./admin/TrunksScreen')) },
  { id: 'api-keys', path: '/account/api-keys', titleKey: 'nav.apiKeys', roles: ALL_ROLES, nav: 'admin', icon: IconKey, Component: lazy(() => import('./admin/ApiKeysScreen')) },
  { id: 'audit', path: '/admin/audit', titleKey: 'nav.audit', roles: ['admin'], nav: 'admin', icon: IconClipboardList, Component: lazy(() => import('./admin/AuditScreen')) },
  { id: 'call', path: '/calls/:id', titleKey: 'calls.detailTitle', roles: ALL_ROLES, Component: lazy(() => import('./calls/CallDetailScreen')) },
];

/** Where each role lands after login (and when it opens a screen it may not see). */
export function homeFor(role: Role): string {
  return role === 'agent' ? '/agent' : '/wallboard';
}

export function canOpen(screen: Pick<ScreenDef, 'roles'>, role: Role): boolean {
  return screen.roles.includes(role);
}
