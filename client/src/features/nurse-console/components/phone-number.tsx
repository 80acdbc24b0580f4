import { useRef, useState } from 'react';
import { useTranslation } from '../../../lib/i18n.ts';

type CopyState = 'idle' | 'copied' | 'failed';

/** The number to call back, large, with a Copy button (for the softphone) and a tel: link. */
export function PhoneNumber({ phone }: { phone: string }) {
  const { t } = useTranslation();
  const [copy, setCopy] = useState<CopyState>('idle');
  const numberRef = useRef<HTMLSpanElement>(null);

  async function copyNumber() {
    try {
      await navigator.clipboard.writeText(phone);
      setCopy('copied');
    } catch {
      // No Clipboard API outside a secure context (plain http): copy the selected number instead.
      const selection = window.getSelection();
      if (numberRef.current && selection) selection.selectAllChildren(numberRef.current);
      setCopy(document.execCommand('copy') ? 'copied' : 'failed');
    }
  }

  return (
    <div className="phone">
      <h3 className="phone-label" id="callback-phone-label">
        {t('nurse.view.phone')}
      </h3>
      <p className="phone-row">
        <span className="phone-value" ref={numberRef} aria-labelledby="callback-phone-label" data-testid="callback-phone">
          {phone}
        </span>
        <button type="button" className="button button-small" onClick={() => void copyNumber()} data-testid="copy-phone">
          {t('nurse.view.copy')}
        </button>
        <a className="button button-small button-quiet" href={`tel:${phone}`}>
          {t('nurse.view.call')}
        </a>
      </p>
      {copy !== 'idle' && (
        <p className={copy === 'copied' ? 'success-text small' : 'warning-text small'} role="status">
          {copy === 'copied' ? t('nurse.view.copied') : t('nurse.view.copyFailed')}
        </p>
      )}
    </div>
  );
}
