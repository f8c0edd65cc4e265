/** Teaching, connected: its slice, the page's image decoder, the pack's words to start from. */
import { TeachPanel } from '../components/teach/TeachPanel';
import { useAppStore } from '../store';
import { actions } from '../store/actions';
import { decodeImage } from './image/decode';
import { saveBlob } from './export';

/** `?teachSteps=N` shortens a teach (tests and demonstrations); default: the pack's stage-1 steps. */
const stepsFromUrl = (): number | undefined => {
  const n = Number(new URLSearchParams(location.search).get('teachSteps'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export function TeachPanelConnected() {
  const state = useAppStore((s) => s.teach);
  const learned = useAppStore((s) => s.learned);
  const pack = useAppStore((s) => s.pack);
  const canRun = useAppStore((s) => s.engineStatus === 'ready' && s.packStatus === 'ready');
  if (!pack?.manifest.teach) return null;
  const t = pack.manifest.teach;
  const words = t.startWords.length > 0 ? t.startWords : [...new Set(pack.manifest.classes.map((c) => c.metaToken ?? c.name))];
  return (
    <TeachPanel
      state={state}
      learned={learned}
      words={words}
      canRun={canRun}
      onTeach={(files, name, word) => void actions().startTeach(files, name, word, decodeImage, stepsFromUrl())}
      onCancel={() => actions().cancelTeach()}
      onForget={(id) => void actions().forgetLearned(id)}
      onExport={() => {
        const text = actions().exportLearned();
        if (text) saveBlob(new Blob([text], { type: 'application/json' }), `${pack.manifest.id}-learned-classes.json`);
      }}
      onImport={(file) => void actions().importLearned(file)}
    />
  );
}
