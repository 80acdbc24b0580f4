import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { startI18n } from './lib/i18n.ts';
import './app/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element');

await startI18n();

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
