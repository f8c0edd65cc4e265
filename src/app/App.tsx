/** The page: header with backend badge, banners, input, viewer, top-5, controls, pack panel. */
import { useEffect } from 'react';
import { Explainer } from '../components/Explainer';
import { actions } from '../store/actions';
import { BenchmarkPanel } from './benchmarkPanel';
import { ErrorBoundary } from './ErrorBoundary';
import { LabPanel } from './labPanel';
import { TeachPanelConnected } from './teachPanel';
import { intakeFiles } from './image/intake';
import { LessonLinkPanel, TourLauncher, TourPanel } from './lessonPanels';
import { startLessonSync } from './lessonLink/sync';
import { Backend, Banners, ControlsPanel, InputPanel, MethodsPanel, PackPanel, TauPanel, TopKPanel, Viewer } from './panels';

function useGlobalImageInput(): void {
  useEffect(() => {
    // Paste an image anywhere (text pastes into inputs are left alone).
    const onPaste = (e: ClipboardEvent) => {
      const files = e.clipboardData?.files;
      if (files && files.length > 0) {
        e.preventDefault();
        intakeFiles(files);
      }
    };
    // A file dropped outside the drop zone must not navigate away from the app.
    const block = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    window.addEventListener('paste', onPaste);
    window.addEventListener('dragover', block);
    window.addEventListener('drop', block);
    return () => {
      window.removeEventListener('paste', onPaste);
      window.removeEventListener('dragover', block);
      window.removeEventListener('drop', block);
    };
  }, []);
}

export function App() {
  useEffect(() => actions().boot(), []);
  useEffect(startLessonSync, []);
  useGlobalImageInput();
  return (
    <div className="app">
      <header className="app-header">
        <div>
          <h1>wsol-lab</h1>
          <p className="tagline">
            Where does the model think the object is? GenPromp and its baselines (CAM, LPCAM, SAT), live in your browser.
          </p>
        </div>
        <ErrorBoundary>
          <div className="header-tools">
            <TourLauncher />
            <Backend />
          </div>
        </ErrorBoundary>
      </header>
      <ErrorBoundary>
        <Banners />
        <main className="layout">
          <div className="col-main">
            <InputPanel />
            <Viewer />
            <LabPanel />
            <TauPanel />
            <BenchmarkPanel />
            <TeachPanelConnected />
          </div>
          <aside className="col-side">
            <TopKPanel />
            <MethodsPanel />
            <ControlsPanel />
            <LessonLinkPanel />
            <PackPanel />
            <Explainer />
          </aside>
        </main>
        <TourPanel />
      </ErrorBoundary>
      <footer className="app-footer muted small">Everything runs in this tab; images never leave your device.</footer>
    </div>
  );
}
