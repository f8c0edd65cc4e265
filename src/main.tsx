import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openFirstView } from './app/firstView';
import { actions } from './store/actions';
import './styles.css';

// The precomputed first view needs no engine, only its file and one sample image; the engine starts
// at once too (not after React's first commit), as the live map waits on it. The gallery (30
// thumbnails to fetch and lay out) waits for the first view.
const firstView = openFirstView();
actions().boot(firstView);

// The first render waits for the first view (at most FIRST_RENDER_WAIT_MS), so that it paints the map
// at once instead of an empty page that renders again: on a 2-core laptop, one render of the whole
// app is ~0.1 s of main thread that the image decode would otherwise queue behind.
const FIRST_RENDER_WAIT_MS = 400;
void Promise.race([firstView, new Promise((r) => setTimeout(r, FIRST_RENDER_WAIT_MS))]).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
