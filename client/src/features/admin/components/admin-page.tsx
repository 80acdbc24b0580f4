import { useTranslation } from '../../../lib/i18n.ts';
import { Link } from '../../../lib/link.tsx';
import { AuditSection } from './audit-section.tsx';
import { IntegrationKeysSection } from './integration-keys-section.tsx';
import { ServicesSection } from '../../referrals/components/services-section.tsx';
import { ReferenceSection } from './reference-section.tsx';
import { UsersSection } from './users-section.tsx';

export type AdminSection = 'users' | 'keys' | 'audit' | 'reference' | 'services';

const SECTIONS: readonly AdminSection[] = ['users', 'keys', 'audit', 'reference', 'services'];

interface AdminPageProps {
  section: AdminSection;
  currentUserId: string;
}

/** Administration: users, integration keys, the audit log and reference data, one section at a time. */
export function AdminPage({ section, currentUserId }: AdminPageProps) {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('admin.title')}
      </h1>
      <nav className="tabs" aria-label={t('admin.sectionNav')}>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s}>
              <Link to={`/admin/${s}`} data-testid={`admin-tab-${s}`}>
                {t(`admin.sections.${s}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {section === 'users' && <UsersSection currentUserId={currentUserId} />}
      {section === 'keys' && <IntegrationKeysSection />}
      {section === 'audit' && <AuditSection />}
      {section === 'reference' && <ReferenceSection />}
      {section === 'services' && <ServicesSection />}
    </section>
  );
}
