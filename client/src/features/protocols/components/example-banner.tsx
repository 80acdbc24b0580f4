import { useTranslation } from '../../../lib/i18n.ts';

/** Shown wherever shipped example content is in use: it is not clinical guidance until a medical director approves the county's own. */
export function ExampleBanner() {
  const { t } = useTranslation();
  return (
    <p className="message message-warning protocol-example" role="note" data-testid="example-banner">
      <strong>{t('protocols.example.title')}</strong> {t('protocols.example.text')}
    </p>
  );
}
