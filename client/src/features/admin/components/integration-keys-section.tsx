import { useState, type FormEvent } from 'react';
import type { CreatedIntegrationKey, IntegrationKeyDto } from '../../../../../server/contracts/integration-keys.ts';
import { ErrorMessage, SuccessMessage } from '../../../lib/error-message.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { currentLanguage, i18n, useTranslation } from '../../../lib/i18n.ts';
import { useLoad } from '../../../lib/use-load.ts';
import { createKey, listKeys, revokeKey } from '../api/integration-keys-api.ts';
import { listAllServices } from '../../referrals/api/referrals-api.ts';
import { useAction } from '../hooks/use-action.ts';
import { OneTimeKey } from './one-time-key.tsx';

/** Integration keys: create (the key is shown once), list, and revoke after a confirmation. */
export function IntegrationKeysSection() {
  const { t } = useTranslation();
  const keys = useLoad(listKeys);
  const [name, setName] = useState('');
  // '' = a key for the ERC interface; a directory entry's id = a key limited to its referrals.
  const [serviceId, setServiceId] = useState('');
  const services = useLoad((signal) => listAllServices(signal));
  const [created, setCreated] = useState<CreatedIntegrationKey | null>(null);
  const action = useAction();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return;
    const key = await action.run(() => createKey(serviceId ? { name: name.trim(), scope: 'referrals', serviceId } : { name: name.trim(), scope: 'erc' }));
    if (!key) return;
    setCreated(key);
    setName('');
    keys.reload();
  }

  return (
    <div className="section-body">
      <form className="card" onSubmit={submit} aria-labelledby="create-key-title">
        <h2 id="create-key-title">{t('admin.keys.createTitle')}</h2>
        <p className="muted">{t('admin.keys.intro')}</p>
        <div className="inline-form">
          <div className="field">
            <label htmlFor="new-key-name">{t('admin.keys.name')}</label>
            <input id="new-key-name" autoComplete="off" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="new-key-scope">{t('admin.keys.scope')}</label>
            <select id="new-key-scope" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">{t('admin.keys.scopeErc')}</option>
              {(services.data?.services ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {t('admin.keys.scopeReferrals', { name: s.name })}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button-primary" disabled={action.busy || !name.trim()}>
            {t('admin.keys.create')}
          </button>
        </div>
        <ErrorMessage error={action.error} />
      </form>
      {created && <OneTimeKey created={created} onDone={() => setCreated(null)} />}
      <section className="card" aria-labelledby="keys-list-title">
        <h2 id="keys-list-title">{t('admin.keys.listTitle')}</h2>
        <ErrorMessage error={keys.error} />
        {keys.loading && !keys.data && <p className="muted">{t('common.loading')}</p>}
        {keys.data && keys.data.length === 0 && <p className="muted">{t('admin.keys.empty')}</p>}
        {keys.data && keys.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="keys-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.keys.columns.name')}</th>
                  <th scope="col">{t('admin.keys.columns.prefix')}</th>
                  <th scope="col">{t('admin.keys.columns.created')}</th>
                  <th scope="col">{t('admin.keys.columns.lastUsed')}</th>
                  <th scope="col">{t('admin.keys.columns.status')}</th>
                  <th scope="col">{t('admin.keys.columns.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <KeyRow key={key.id} apiKey={key} onChanged={keys.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function KeyRow({ apiKey, onChanged }: { apiKey: IntegrationKeyDto; onChanged(): void }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const revoked = apiKey.revokedAt !== null;

  async function revoke() {
    const done = await action.run(
      () => revokeKey(apiKey.id),
      (k) => () => i18n.t('admin.keys.revoked', { name: k.name }),
    );
    setConfirming(false);
    if (done) onChanged();
  }

  return (
    <>
      <tr className={revoked ? 'row-inactive' : undefined}>
        <td>{apiKey.name}</td>
        <td className="mono">{apiKey.prefix}…</td>
        <td>{formatDateTime(apiKey.createdAt, language)}</td>
        <td>{apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt, language) : <span className="muted">{t('common.never')}</span>}</td>
        <td>
          {revoked ? (
            <span className="badge badge-off">{t('admin.keys.revokedAt', { time: formatDateTime(apiKey.revokedAt, language) })}</span>
          ) : (
            <span className="badge badge-ok">{t('common.active')}</span>
          )}
        </td>
        <td className="actions">
          {!revoked && !confirming && (
            <button type="button" className="button button-small button-danger-outline" onClick={() => setConfirming(true)}>
              {t('admin.keys.revoke')}
            </button>
          )}
        </td>
      </tr>
      {(confirming || action.error !== undefined || action.success !== null) && (
        <tr className="row-detail">
          <td colSpan={6}>
            {confirming && (
              <div className="confirm" role="alertdialog" aria-label={t('admin.keys.revoke')}>
                <p>{t('admin.keys.confirmRevoke', { name: apiKey.name })}</p>
                <button type="button" className="button button-danger" disabled={action.busy} onClick={() => void revoke()}>
                  {t('admin.keys.revoke')}
                </button>
                <button type="button" className="button" onClick={() => setConfirming(false)}>
                  {t('common.cancel')}
                </button>
              </div>
            )}
            <ErrorMessage error={action.error} />
            <SuccessMessage text={action.success ? action.success() : null} />
          </td>
        </tr>
      )}
    </>
  );
}
