import { useTranslation } from '../../../lib/i18n.ts';
import type { ServiceDto } from '../../../../../server/contracts/services.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { listServicesFor } from '../api/referrals-api.ts';

interface ServicePickerProps {
  municipality: string;
  target: string;
  serviceId: string;
  /** A directory entry chosen, or null for a target outside the directory (typed in handoffTo). */
  onPick(service: ServiceDto | null): void;
}

/**
 * The directory entries serving the patient's municipality for the chosen target type, open now
 * first; says plainly when none is open, or when the directory has none.
 */
export function ServicePicker({ municipality, target, serviceId, onPick }: ServicePickerProps) {
  const { t } = useTranslation();
  const loaded = useLoad((signal) => listServicesFor(municipality, target, signal), `${municipality}:${target}`);
  const services = loaded.data?.services ?? [];
  return (
    <div className="field" data-testid="service-picker">
      <label htmlFor="outcome-service">{t('referrals.picker.label')}</label>
      <select
        id="outcome-service"
        value={serviceId}
        onChange={(e) => onPick(services.find((s) => s.id === e.target.value) ?? null)}
        disabled={!loaded.data}
      >
        <option value="">{t('referrals.picker.none')}</option>
        {services.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} – {s.openNow ? t('referrals.picker.open') : t('referrals.picker.closed')}
          </option>
        ))}
      </select>
      {loaded.data && services.length === 0 && <span className="hint">{t('referrals.picker.empty', { municipality })}</span>}
      {loaded.data && services.length > 0 && !loaded.data.anyOpen && (
        <span className="hint warning-text" role="status" data-testid="none-open">
          {t('referrals.picker.noneOpen')}
        </span>
      )}
      {services.find((s) => s.id === serviceId)?.example && <span className="hint warning-text">{t('referrals.picker.example')}</span>}
    </div>
  );
}
