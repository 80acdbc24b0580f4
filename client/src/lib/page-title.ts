import { useEffect } from 'react';
import { useTranslation } from './i18n.ts';

/** Names the browser tab after the page, in the UI's language: "Page – D-task console". */
export function usePageTitle(title: string): void {
  const { t, language } = useTranslation();
  const appName = t('app.name');
  useEffect(() => {
    document.title = `${title} – ${appName}`;
  }, [title, appName, language]);
}
