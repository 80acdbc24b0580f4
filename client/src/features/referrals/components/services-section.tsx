import { useState, type FormEvent } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import { WEEKDAYS, type CreateServiceRequest, type OpeningHours, type ServiceDto } from '../../../../../server/contracts/services.ts';
import { REDIRECT_TARGETS } from '../../../../../server/contracts/tasks.ts';
import { ErrorMessage } from '../../../lib/error-message.tsx';
import { useLoad } from '../../../lib/use-load.ts';
import { api } from '../../../lib/api.ts';
import type { AreaList } from '../../../../../server/contracts/reference.ts';
import { listAllServices, saveService } from '../api/referrals-api.ts';

type Target = (typeof REDIRECT_TARGETS)[number];
const WEEKEND = new Set(['sat', 'sun']);

/** Weekday and weekend hours as one period each ('' = closed). */
function hoursOf(weekday: { from: string; to: string }, weekend: { from: string; to: string }): OpeningHours {
  const period = (p: { from: string; to: string }) => (p.from && p.to ? [p] : []);
  return Object.fromEntries(WEEKDAYS.map((d) => [d, period(WEEKEND.has(d) ? weekend : weekday)])) as OpeningHours;
}

/** The entry as a request, to change one field (active) and send the rest as they are. */
function asRequest(s: ServiceDto): CreateServiceRequest {
  return {
    name: s.name,
    targetType: s.targetType,
    areaIds: s.areaIds,
    municipalityIds: s.municipalityIds,
    openingHours: s.openingHours,
    exceptions: s.exceptions,
    active: s.active,
    ...(s.phone ? { phone: s.phone } : {}),
    ...(s.notes ? { notes: s.notes } : {}),
  };
}

/** The service directory (admins): entries with their state, a form for a new one, activate/deactivate. */
export function ServicesSection() {
  const { t } = useTranslation();
  const services = useLoad((signal) => listAllServices(signal));
  const areas = useLoad((signal) => api<AreaList>('/api/reference/areas', { signal }));
  const [name, setName] = useState('');
  const [target, setTarget] = useState<Target>('home_care');
  const [areaIds, setAreaIds] = useState<string[]>([]);
  const [weekday, setWeekday] = useState({ from: '08:00', to: '16:00' });
  const [weekend, setWeekend] = useState({ from: '', to: '' });
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<unknown>(undefined);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      await saveService({ name: name.trim(), targetType: target, areaIds, municipalityIds: [], openingHours: hoursOf(weekday, weekend), exceptions: [], active: true, ...(phone.trim() ? { phone: phone.trim() } : {}) });
      setError(undefined);
      setName('');
      services.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function toggle(s: ServiceDto) {
    try {
      await saveService({ ...asRequest(s), active: !s.active }, s);
      setError(undefined);
    } catch (err) {
      setError(err);
    }
    services.reload();
  }

  return (
    <div className="section-body">
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="new-service-title">
        <h2 id="new-service-title">{t('referrals.directory.createTitle')}</h2>
        <p className="muted">{t('referrals.directory.intro')}</p>
        <div className="form-grid form-grid-3">
          <div className="field">
            <label htmlFor="service-name">{t('referrals.directory.name')}</label>
            <input id="service-name" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="service-target">{t('nurse.outcome.target')}</label>
            <select id="service-target" value={target} onChange={(e) => setTarget(REDIRECT_TARGETS.find((x) => x === e.target.value) ?? 'home_care')}>
              {REDIRECT_TARGETS.map((x) => (
                <option key={x} value={x}>
                  {t(`nurse.outcome.targets.${x}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="service-phone">{t('referrals.directory.phone')}</label>
            <input id="service-phone" maxLength={40} value={phone} onChange={(e) => setPhone(e.target.value)} />
          </div>
          <fieldset className="field field-wide">
            <legend>{t('referrals.directory.areas')}</legend>
            {(areas.data?.areas ?? []).map((a) => (
              <label key={a.id} className="checkbox">
                <input type="checkbox" checked={areaIds.includes(a.id)} onChange={(e) => setAreaIds(e.target.checked ? [...areaIds, a.id] : areaIds.filter((id) => id !== a.id))} /> {a.name}
              </label>
            ))}
          </fieldset>
          {(['weekday', 'weekend'] as const).map((kind) => {
            const value = kind === 'weekday' ? weekday : weekend;
            const set = kind === 'weekday' ? setWeekday : setWeekend;
            return (
              <div className="field" key={kind}>
                <span>{t(`referrals.directory.${kind}`)}</span>
                <input type="time" aria-label={t(`referrals.directory.${kind}From`)} value={value.from} onChange={(e) => set({ ...value, from: e.target.value })} />
                <input type="time" aria-label={t(`referrals.directory.${kind}To`)} value={value.to} onChange={(e) => set({ ...value, to: e.target.value })} />
              </div>
            );
          })}
        </div>
        <button type="submit" className="button button-primary" disabled={!name.trim()}>
          {t('referrals.directory.create')}
        </button>
        <ErrorMessage error={error} />
      </form>
      <section className="card" aria-labelledby="services-title">
        <h2 id="services-title">{t('referrals.directory.listTitle')}</h2>
        <ErrorMessage error={services.error} />
        <div className="table-wrap">
          <table className="table" data-testid="services-table">
            <thead>
              <tr>
                <th scope="col">{t('referrals.directory.name')}</th>
                <th scope="col">{t('nurse.outcome.target')}</th>
                <th scope="col">{t('referrals.directory.openNow')}</th>
                <th scope="col">{t('referrals.directory.state')}</th>
              </tr>
            </thead>
            <tbody>
              {(services.data?.services ?? []).map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.name} {s.example && <span className="badge badge-warn">{t('referrals.directory.example')}</span>}
                  </td>
                  <td>{t(`nurse.outcome.targets.${s.targetType}`)}</td>
                  <td>{s.openNow ? t('common.yes') : t('common.no')}</td>
                  <td>
                    <button type="button" className="button button-small" onClick={() => void toggle(s)}>
                      {s.active ? t('common.deactivate') : t('common.activate')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
