import type { ReactNode } from 'react';
import { useTranslation } from '../lib/i18n.ts';
import type { UserDto } from '../../../server/contracts/auth.ts';
import { CongestionBanner } from '../features/congestion/components/congestion-banner.tsx';
import { Link } from '../lib/link.tsx';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { navItemsFor } from './routes.ts';

interface ShellProps {
  /** Null on the login page: only the product name and the language switch are shown. */
  user: UserDto | null;
  onLogout?: () => void;
  children: ReactNode;
}

/** The frame of every page: header with navigation, user and language, then the page itself. */
export function Shell({ user, onLogout, children }: ShellProps) {
  const { t } = useTranslation();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="header">
        <div className="header-brand">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <span className="brand-name" data-testid="product-name">
            {t('app.name')}
          </span>
        </div>
        {user && (
          <nav className="main-nav" aria-label={t('header.mainNav')}>
            <ul>
              {navItemsFor(user.role).map((item) => (
                <li key={item.key}>
                  <Link to={item.to} {...(item.activePrefix ? { activePrefix: item.activePrefix } : {})} data-testid={`nav-${item.key}`}>
                    {t(`nav.${item.key}`)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="header-tools">
          {user && <ConnectionIndicator />}
          {user && (
            <span className="header-user" data-testid="current-user" title={`${user.displayName}, ${t(`roles.${user.role}`)}`}>
              <span className="header-user-name">{user.displayName}</span>
              <span className="header-user-role">{t(`roles.${user.role}`)}</span>
            </span>
          )}
          <LanguageSwitch />
          {user && onLogout && (
            <button type="button" className="button button-header" onClick={onLogout} data-testid="logout">
              {t('header.logout')}
            </button>
          )}
        </div>
      </header>
      {user && <CongestionBanner />}
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
