import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Names the browser tab after the page, in the UI's language: "Page – D-task console". */
export function usePageTitle(title: string): void {
  const { t, i18n } = useTranslation();
  const appName = t('app.name');
  useEffect(() => {
    document.title = `${title} – ${appName}`;
  }, [title, appName, i18n.language]);
}
