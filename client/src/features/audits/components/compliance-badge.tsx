import { useTranslation } from '../../../lib/i18n.ts';
import type { ComplianceLevel } from '../../../../../server/contracts/audit-compliance.ts';

const TONE: Record<ComplianceLevel, string> = { high: 'badge-ok', partial: 'badge-warn', low: 'badge-warn', non_compliant: 'badge-off' };

/** A review's compliance level, with the critical grade named when there is one. */
export function ComplianceBadge({ level, critical }: { level: ComplianceLevel; critical: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${TONE[level]}`} data-testid="compliance-level">
      {t(`audits.levels.${level}`)}
      {critical ? ` · ${t('audits.grades.critical')}` : ''}
    </span>
  );
}
