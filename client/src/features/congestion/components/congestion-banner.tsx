import { currentLanguage, useTranslation } from '../../../lib/i18n.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { useCongestionMode } from '../hooks/use-congestion-mode.ts';
import './congestion.css';

/** Under the header of every page while congestion mode is on, for every role. */
export function CongestionBanner() {
  const { t } = useTranslation();
  const mode = useCongestionMode();
  if (!mode?.active) return null;
  return (
    <div className="congestion-banner" role="status" data-testid="congestion-banner">
      <strong>{t('congestion.banner', { minutes: mode.cResponseLimitMinutes })}</strong>{' '}
      {mode.changedAt && <span>{t('congestion.bannerSince', { at: formatDateTime(mode.changedAt, currentLanguage()), by: mode.changedBy ?? '' })}</span>}
    </div>
  );
}
