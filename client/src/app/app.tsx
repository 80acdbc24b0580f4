import { Suspense, useEffect, useRef, type ComponentType, type LazyExoticComponent } from 'react';
import { loadBackOffice, useTranslation } from '../lib/i18n.ts';
import type { UserDto } from '../../../server/contracts/auth.ts';
import { ErrorMessage } from '../lib/error-message.tsx';
import { lazyPart, Loading } from '../lib/lazy-part.tsx';
import { Link } from '../lib/link.tsx';
import { usePageTitle } from '../lib/page-title.ts';
import { navigate, usePathname } from '../lib/navigation.ts';
import { homePathFor, resolveRoute, type PageId } from './routes.ts';
import { Shell } from './shell.tsx';
import { useSession } from './use-session.ts';

// Each page is its own chunk, fetched when first shown: the login page and the nurse console load
// only their own code. A fetch that fails shows a page that reloads the app.
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyExoticComponent<ComponentType<P>> {
  return lazyPart(load, PageLoadFailed);
}

/** A back-office page: its code and the back-office messages of the shown language arrive together. */
function backOfficePage<P extends object>(load: () => Promise<ComponentType<P>>): LazyExoticComponent<ComponentType<P>> {
  return lazyPage(async () => (await Promise.all([load(), loadBackOffice()]))[0]);
}

const LoginPage = lazyPage(async () => (await import('../features/auth/components/login-page.tsx')).LoginPage);
const NurseConsolePage = lazyPage(async () => (await import('../features/nurse-console/components/nurse-console-page.tsx')).NurseConsolePage);
const LiveLoadPage = backOfficePage(async () => (await import('../features/live-load/components/live-load-page.tsx')).LiveLoadPage);
const ReportsPage = backOfficePage(async () => (await import('../features/reports/components/reports-page.tsx')).ReportsPage);
const ProtocolsPage = backOfficePage(async () => (await import('../features/protocols/components/protocols-page.tsx')).ProtocolsPage);
const AuditsPage = backOfficePage(async () => (await import('../features/audits/components/audits-page.tsx')).AuditsPage);
const ReviewPage = backOfficePage(async () => (await import('../features/audits/components/review-page.tsx')).ReviewPage);
const AuditReportPage = backOfficePage(async () => (await import('../features/audits/components/audit-report-page.tsx')).AuditReportPage);
const AdminPage = backOfficePage(async () => (await import('../features/admin/components/admin-page.tsx')).AdminPage);

export function App() {
  const { t } = useTranslation();
  const { session, retry, loggedIn, logout } = useSession();

  if (session.status === 'loading') {
    return (
      <Shell user={null}>
        <Loading />
      </Shell>
    );
  }
  if (session.status === 'failed') {
    return (
      <Shell user={null}>
        <section className="page">
          <h1>{t('app.startFailed')}</h1>
          <ErrorMessage error={session.error} />
          <button type="button" className="button button-primary" onClick={() => void retry()}>
            {t('app.retry')}
          </button>
        </section>
      </Shell>
    );
  }
  if (session.status === 'anonymous') {
    return (
      <Shell user={null}>
        <Suspense key="login" fallback={<Loading />}>
          <LoginPage onLoggedIn={loggedIn} notice={session.notice} />
        </Suspense>
      </Shell>
    );
  }
  return (
    <Shell user={session.user} onLogout={() => void logout()}>
      {/* Keyed apart from the login page's: a session that ends unmounts the pages at once, not hidden
          while the login page's code is fetched. */}
      <Suspense key="pages" fallback={<Loading />}>
        <Routed user={session.user} />
      </Suspense>
    </Shell>
  );
}

function PageLoadFailed() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('app.startFailed')}</h1>
      <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
        {t('app.retry')}
      </button>
    </section>
  );
}

function Routed({ user }: { user: UserDto }) {
  const pathname = usePathname();
  const resolved = resolveRoute(pathname, user.role);
  const redirectTo = resolved.kind === 'redirect' ? resolved.to : null;

  useEffect(() => {
    if (redirectTo) navigate(redirectTo, { replace: true });
  }, [redirectTo]);

  // After moving to another page, put keyboard and screen-reader focus on its heading.
  const firstPath = useRef(pathname);
  useEffect(() => {
    if (pathname === firstPath.current) return;
    firstPath.current = '';
    document.getElementById('page-title')?.focus();
  }, [pathname]);

  switch (resolved.kind) {
    case 'redirect':
      return null;
    case 'forbidden':
      return <Notice kind="notAvailable" home={homePathFor(user.role)} />;
    case 'not-found':
      return <Notice kind="notFound" home={homePathFor(user.role)} />;
    case 'page':
      return <PageView page={resolved.page} user={user} />;
  }
}

const ADMIN_SECTIONS = { 'admin-users': 'users', 'admin-keys': 'keys', 'admin-audit': 'audit', 'admin-reference': 'reference', 'admin-services': 'services' } as const;

function PageView({ page, user }: { page: PageId; user: UserDto }) {
  const { t } = useTranslation();
  usePageTitle(
    page === 'nurse' || page === 'live' || page === 'reports' || page === 'protocols' || page === 'audits'
      ? t(`nav.${page}`)
      : page === 'audit-review'
        ? t('audits.title')
        : page === 'audit-report'
          ? t('nav.auditReport')
          : t(`admin.sections.${ADMIN_SECTIONS[page]}`),
  );
  switch (page) {
    case 'nurse':
      return <NurseConsolePage user={user} />;
    case 'live':
      return <LiveLoadPage />;
    case 'reports':
      return <ReportsPage />;
    case 'protocols':
      return <ProtocolsPage user={user} />;
    case 'audits':
      return <AuditsPage />;
    case 'audit-review':
      return <ReviewPage user={user} />;
    case 'audit-report':
      return <AuditReportPage />;
    case 'admin-users':
      return <AdminPage section="users" currentUserId={user.id} />;
    case 'admin-keys':
      return <AdminPage section="keys" currentUserId={user.id} />;
    case 'admin-audit':
      return <AdminPage section="audit" currentUserId={user.id} />;
    case 'admin-reference':
      return <AdminPage section="reference" currentUserId={user.id} />;
    case 'admin-services':
      return <AdminPage section="services" currentUserId={user.id} />;
  }
}

function Notice({ kind, home }: { kind: 'notAvailable' | 'notFound'; home: string }) {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t(`pages.${kind}.title`)}
      </h1>
      <p className="lead" data-testid="page-notice">
        {t(`pages.${kind}.body`)}
      </p>
      <p>
        <Link to={home}>{t('pages.home')}</Link>
      </p>
    </section>
  );
}
