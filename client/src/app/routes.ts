import type { Role } from '../../../server/contracts/common.ts';

export type PageId = 'nurse' | 'live' | 'reports' | 'protocols' | 'audits' | 'audit-review' | 'audit-report' | 'admin-users' | 'admin-keys' | 'admin-audit' | 'admin-reference' | 'admin-services';

interface PageDef {
  id: PageId;
  path: string;
  roles: readonly Role[];
}

// Clinical audit: nurses see their own reviews; reviewers, managers and the medical director see
// all (the server decides what each one gets). The dashboard is for managers and the medical director.
const AUDIT_READERS: readonly Role[] = ['nurse', 'shift_leader', 'manager', 'medical_director'];
const AUDIT_REPORT_READERS: readonly Role[] = ['manager', 'medical_director'];

/** Every page of the app and the roles that may see it. */
export const PAGES: readonly PageDef[] = [
  { id: 'nurse', path: '/nurse', roles: ['nurse', 'shift_leader'] },
  { id: 'live', path: '/live', roles: ['shift_leader'] },
  { id: 'reports', path: '/reports', roles: ['manager', 'shift_leader', 'admin', 'medical_director'] },
  { id: 'protocols', path: '/protocols', roles: ['admin', 'medical_director'] },
  { id: 'audits', path: '/audits', roles: AUDIT_READERS },
  { id: 'audit-review', path: '/audits/review', roles: AUDIT_READERS },
  { id: 'audit-report', path: '/audits/report', roles: AUDIT_REPORT_READERS },
  { id: 'admin-users', path: '/admin/users', roles: ['admin'] },
  { id: 'admin-keys', path: '/admin/keys', roles: ['admin'] },
  { id: 'admin-audit', path: '/admin/audit', roles: ['admin'] },
  { id: 'admin-reference', path: '/admin/reference', roles: ['admin'] },
  { id: 'admin-services', path: '/admin/services', roles: ['admin'] },
];

export type NavKey = 'nurse' | 'live' | 'reports' | 'protocols' | 'audits' | 'auditReport' | 'admin';

interface NavItem {
  key: NavKey;
  to: string;
  /** The link is current anywhere under this path. */
  activePrefix?: string;
  roles: readonly Role[];
}

/** The main navigation, in order; a role's first item is where it lands after login. */
export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'nurse', to: '/nurse', roles: ['nurse', 'shift_leader'] },
  { key: 'live', to: '/live', roles: ['shift_leader'] },
  { key: 'reports', to: '/reports', roles: ['manager', 'shift_leader', 'admin', 'medical_director'] },
  { key: 'protocols', to: '/protocols', roles: ['admin', 'medical_director'] },
  { key: 'audits', to: '/audits', roles: AUDIT_READERS },
  { key: 'auditReport', to: '/audits/report', roles: AUDIT_REPORT_READERS },
  { key: 'admin', to: '/admin/users', activePrefix: '/admin', roles: ['admin'] },
];

export function navItemsFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.includes(role));
}

export function homePathFor(role: Role): string {
  return navItemsFor(role)[0]?.to ?? '/';
}

export type Resolved =
  | { kind: 'page'; page: PageId }
  | { kind: 'redirect'; to: string }
  | { kind: 'forbidden' }
  | { kind: 'not-found' };

/** What the logged-in user sees at this path. */
export function resolveRoute(pathname: string, role: Role): Resolved {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (path === '/' || path === '/login') return { kind: 'redirect', to: homePathFor(role) };
  if (path === '/admin') return role === 'admin' ? { kind: 'redirect', to: '/admin/users' } : { kind: 'forbidden' };
  if (path !== pathname) return { kind: 'redirect', to: path };
  const page = PAGES.find((p) => p.path === path);
  if (!page) return { kind: 'not-found' };
  return page.roles.includes(role) ? { kind: 'page', page: page.id } : { kind: 'forbidden' };
}
