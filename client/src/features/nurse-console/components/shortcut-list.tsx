import { useTranslation } from '../../../lib/i18n.ts';

/** The keyboard shortcuts, always on screen. */
export function ShortcutList() {
  const { t } = useTranslation();
  const items = [
    { keys: 'N', text: t('nurse.shortcuts.next') },
    { keys: '1–5', text: t('nurse.shortcuts.call') },
    { keys: '2–5', text: t('nurse.shortcuts.callUndo') },
    { keys: 'O', text: t('nurse.shortcuts.outcome') },
    { keys: 'Ctrl+Enter', text: t('nurse.shortcuts.submit') },
    { keys: 'M', text: t('nurse.shortcuts.manual') },
    { keys: 'Esc', text: t('nurse.shortcuts.close') },
  ];
  return (
    <section className="shortcut-list" aria-label={t('nurse.shortcuts.title')}>
      <dl>
        {items.map((item) => (
          <div key={item.keys} className="shortcut">
            <dt>
              <kbd>{item.keys}</kbd>
            </dt>
            <dd>{item.text}</dd>
          </div>
        ))}
      </dl>
      <p className="shortcut-note">{t('nurse.shortcuts.inFields')}</p>
    </section>
  );
}
