import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app/app.tsx';
import { i18n, startI18n } from './lib/i18n.ts';
import './app/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element');

await startI18n();

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
