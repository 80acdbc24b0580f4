import { useTranslation } from 'react-i18next';

/** Placeholder until the feature is built: says what the page will show. */
export function NurseConsolePage() {
  const { t } = useTranslation();
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('nurse.title')}
      </h1>
      <p className="lead">{t('nurse.description')}</p>
    </section>
  );
}
