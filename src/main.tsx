import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openFirstView } from './app/firstView';
import './styles.css';

// Before the first render: the precomputed first view needs no engine, only its file and one sample image.
void openFirstView();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
