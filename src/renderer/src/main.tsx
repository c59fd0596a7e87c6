import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installBench } from './bench/index';
import { initI18n } from './i18n/index';
import { wireApp } from './wiring';
import './styles.css';

async function start(): Promise<void> {
  installBench();
  await initI18n('en');
  wireApp();
  const root = document.getElementById('root');
  if (!root) throw new Error('#root is missing from index.html');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
