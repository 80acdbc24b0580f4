import { LANGUAGES, currentLanguage, setLanguage, useTranslation } from '../lib/i18n.ts';

/** FI / SV / EN buttons; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const active = currentLanguage();
  return (
    <div className="language-switch" role="group" aria-label={t('app.language')}>
      {LANGUAGES.map((language) => (
        <button
          key={language}
          type="button"
          lang={language}
          className="language-button"
          aria-pressed={language === active}
          data-testid={`lang-${language}`}
          onClick={() => setLanguage(language)}
        >
          {language.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
