import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';
import type { CreatedIntegrationKey } from '../../../../../server/contracts/integration-keys.ts';

type CopyState = 'idle' | 'copied' | 'failed';

/** The new key, shown this one time, with a copy button and a clear warning. */
export function OneTimeKey({ created, onDone }: { created: CreatedIntegrationKey; onDone(): void }) {
  const { t } = useTranslation();
  const [copy, setCopy] = useState<CopyState>('idle');
  const inputRef = useRef<HTMLInputElement>(null);
  const panelRef = useRef<HTMLElement>(null);

  useEffect(() => {
    panelRef.current?.focus();
  }, []);

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopy('copied');
    } catch {
      // No Clipboard API outside a secure context (plain http): fall back to the selection.
      inputRef.current?.select();
      setCopy(document.execCommand('copy') ? 'copied' : 'failed');
    }
  }

  return (
    <section className="card card-warning" ref={panelRef} tabIndex={-1} aria-labelledby="one-time-key-title" data-testid="one-time-key">
      <h2 id="one-time-key-title">{t('admin.keys.oneTime.title', { name: created.name })}</h2>
      <p className="warning-text" role="alert">
        {t('admin.keys.oneTime.warning')}
      </p>
      <div className="key-copy">
        <label htmlFor="one-time-key-value" className="visually-hidden">
          {t('admin.keys.oneTime.label')}
        </label>
        <input
          id="one-time-key-value"
          ref={inputRef}
          className="mono key-value"
          readOnly
          value={created.key}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="button button-primary" onClick={() => void copyKey()}>
          {t('admin.keys.oneTime.copy')}
        </button>
      </div>
      {copy !== 'idle' && (
        <p className={copy === 'copied' ? 'success-text' : 'warning-text'} role="status">
          {copy === 'copied' ? t('admin.keys.oneTime.copied') : t('admin.keys.oneTime.copyFailed')}
        </p>
      )}
      <button type="button" className="button" onClick={onDone}>
        {t('admin.keys.oneTime.done')}
      </button>
    </section>
  );
}
