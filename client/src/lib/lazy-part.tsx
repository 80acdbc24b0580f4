import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { useTranslation } from './i18n.ts';

/**
 * A component that is its own chunk, fetched the first time it is shown (or when `load` is called
 * earlier to prefetch it). A fetch that fails (the network, or a new version replaced the files)
 * shows `failed`, which offers a reload.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>, failed: () => ReactNode = PartLoadFailed): LazyExoticComponent<ComponentType<P>> {
  return lazy(() => load().then((part) => ({ default: part }), () => ({ default: failed })));
}

export function Loading() {
  const { t } = useTranslation();
  return <p className="muted loading">{t('app.loading')}</p>;
}

/** A part of a page that could not be fetched: said where the part would be, with a reload. */
function PartLoadFailed() {
  const { t } = useTranslation();
  return (
    <div className="message message-error" role="alert">
      <p>{t('app.startFailed')}</p>
      <button type="button" className="button button-small" onClick={() => window.location.reload()}>
        {t('app.retry')}
      </button>
    </div>
  );
}
