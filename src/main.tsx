import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openFirstView } from './app/firstView';
import { actions } from './store/actions';
import './styles.css';

// Before the first render: the precomputed first view needs no engine, only its file and one sample
// image; the engine starts at once too (not after React's first commit), as the live map waits on it.
void openFirstView();
actions().boot();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
