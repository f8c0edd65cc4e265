/**
 * The model pack: what is loaded, a selector of known packs, a URL field, a local
 * folder (button, folder input, or a folder dropped on this panel), and load
 * progress with Cancel.
 */
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { PackIndexEntry, PackSummary } from '@shared/api';
import { analysisFrame } from '@shared/manifest';
import { formatBytes, ProgressBar } from './ProgressBar';

export interface PhaseBar {
  phase: 'download' | 'verify' | 'create' | 'warmup' | 'inference';
  done: number;
  total: number;
  text: string;
  bytesPerSecond?: number;
  etaSeconds?: number;
}

export interface PackStatusProps {
  packs: PackIndexEntry[];
  pack: PackSummary | null;
  status: 'idle' | 'loading' | 'ready' | 'error' | 'cancelled';
  loadingUrl: string | null;
  progress: PhaseBar[];
  /** For tests and styling: idle | manifest | download | verify | create | warmup | ready | error. */
  phase: string;
  onSelect: (entry: PackIndexEntry) => void;
  onLoadUrl: (url: string) => void;
  onClearCache: () => void;
  /** Stop the download in progress. */
  onCancel: () => void;
  /** The last load the user cancelled, to say how far it got and offer to resume. */
  cancelled: { url: string; done: number; total: number } | null;
  onResume: (url: string) => void;
  /** 'granted' | 'denied' | 'unsupported' | 'not-asked': whether the browser keeps the cached pack. */
  persistence: string;
  /** The folder button: showDirectoryPicker() where the browser has it, else the folder input. */
  canPickDirectory: boolean;
  onPickDirectory: () => void;
  onFolderFiles: (files: File[]) => void;
  onDropFolder: (dt: DataTransfer) => void;
}

/** The pack's name as the UI shows it: a folder pack says so (it is read from disk each time, not cached). */
export function packDisplayName(pack: PackSummary): string {
  return pack.source === 'folder' ? `${pack.manifest.label} (from folder)` : pack.manifest.label;
}

const PERSISTENCE_TEXT: Record<string, string | null> = {
  granted: 'Persistent storage granted: the browser keeps the downloaded pack until you clear it.',
  denied: 'Persistent storage not granted: the browser may evict the cached pack when space runs low.',
  unsupported: null,
  'not-asked': null,
};

const PHASE_LABEL: Record<PhaseBar['phase'], string> = {
  download: 'Download',
  verify: 'Verify (SHA-256)',
  create: 'Create sessions',
  warmup: 'Warm-up (compile shaders)',
  inference: 'Inference',
};

function readySummary(pack: PackSummary, progress: PhaseBar[]): string {
  const dl = progress.find((b) => b.phase === 'download');
  const size = dl ? `${formatBytes(dl.total)} ` : '';
  if (pack.source === 'folder') return `Ready: ${size}read from a local folder and verified (not cached: the files stay on your disk).`;
  return `Ready: ${size}${pack.fromCache ? 'loaded from the browser cache' : 'downloaded and verified'}.`;
}

/** A human name for a load target: the URL, or the folder's name. */
function describeTarget(url: string): string {
  return url.startsWith('folder:') ? `the folder ${decodeURIComponent(url.slice('folder:'.length, -1))}` : url;
}

export function PackStatus(props: PackStatusProps) {
  const { packs, pack, status, loadingUrl, progress, phase, onSelect, onLoadUrl, onClearCache, onCancel, cancelled } = props;
  const [url, setUrl] = useState('');
  const [dragging, setDragging] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  const loading = status === 'loading';
  const currentPath = loadingUrl ?? pack?.baseUrl ?? '';
  const known = packs.find((p) => p.path === currentPath);
  const downloading = loading && !loadingUrl?.startsWith('folder:');
  const persistenceText = PERSISTENCE_TEXT[props.persistence] ?? null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onLoadUrl(url);
  };

  const pickFolder = () => {
    if (props.canPickDirectory) props.onPickDirectory();
    else folderInput.current?.click();
  };

  const isFileDrag = (e: DragEvent) => e.dataTransfer.types.includes('Files');
  const dragOver = (e: DragEvent) => {
    if (!isFileDrag(e) || loading) return;
    e.preventDefault();
    setDragging(true);
  };
  const drop = (e: DragEvent) => {
    if (!isFileDrag(e) || loading) return;
    e.preventDefault();
    setDragging(false);
    // Read the items now: a DataTransfer is emptied when the event ends.
    props.onDropFolder(e.dataTransfer);
  };

  return (
    <section
      className={dragging ? 'panel pack dragging' : 'panel pack'}
      aria-labelledby="pack-title"
      data-testid="pack-panel"
      onDragOver={dragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
    >
      <h2 id="pack-title">Model pack</h2>
      {pack ? (
        <div className="pack-current">
          <div>
            <strong data-testid="pack-name">{packDisplayName(pack)}</strong> <span className="muted">({pack.manifest.id})</span>
            {pack.fromCache && <span className="chip">cached</span>}
            {pack.source === 'folder' && <span className="chip">local folder</span>}
          </div>
          <p className="muted small">{pack.manifest.description}</p>
          <p className="muted small">
            {pack.manifest.classes.length} classes · frame {analysisFrame(pack.manifest).join('×')} · variants{' '}
            {Object.entries(pack.variants)
              .map(([role, v]) => `${role}: ${v}`)
              .join(', ')}{' '}
            · licence {pack.manifest.license.spdx}
          </p>
        </div>
      ) : (
        <p className="muted">
          {loading ? 'Loading…' : status === 'error' || status === 'cancelled' ? 'No pack loaded.' : 'Waiting for the engine…'}
        </p>
      )}

      {packs.length > 0 && (
        <label className="field">
          <span className="field-label">Known packs</span>
          <select
            data-testid="pack-select"
            value={known?.path ?? ''}
            disabled={loading}
            onChange={(e) => {
              const entry = packs.find((p) => p.path === e.currentTarget.value);
              if (entry) onSelect(entry);
            }}
          >
            {!known && <option value="">{pack?.source === 'folder' && !loading ? packDisplayName(pack) : '(custom URL)'}</option>}
            {packs.map((p) => (
              <option key={p.id} value={p.path}>
                {p.label}
                {p.default ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}

      <form className="pack-url" onSubmit={submit} noValidate>
        <label className="field-label" htmlFor="pack-url">
          Load a pack from a URL
        </label>
        <div className="pack-url-row">
          <input
            id="pack-url"
            type="url"
            inputMode="url"
            placeholder="https://example.org/packs/my-pack/"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            data-testid="pack-url-input"
            spellCheck={false}
          />
          <button type="submit" data-testid="pack-url-load" disabled={loading}>
            Load
          </button>
        </div>
      </form>

      <div className="pack-folder">
        <button type="button" data-testid="pack-folder-open" disabled={loading} onClick={pickFolder}>
          Open pack folder…
        </button>
        <span className="small muted"> or drop a pack folder here. Read from your disk, checked like a download, not cached.</span>
        {/* The fallback where showDirectoryPicker() is missing (Firefox, Safari); e2e tests use it directly. */}
        <input
          ref={folderInput}
          type="file"
          hidden
          data-testid="pack-folder-input"
          // webkitdirectory is not in React's typings: set it as a plain attribute.
          {...{ webkitdirectory: '', directory: '' }}
          multiple
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = ''; // picking the same folder again loads it again
            if (files.length > 0) props.onFolderFiles(files);
          }}
        />
      </div>

      <div className="pack-progress" data-testid="pack-progress" data-phase={phase} aria-live="polite">
        {loading ? (
          <>
            <p className="small muted">Loading {loadingUrl ? describeTarget(loadingUrl) : ''}</p>
            {progress.length === 0 && <p className="small">Fetching the manifest…</p>}
            {progress.map((b) => (
              <ProgressBar
                key={b.phase}
                label={PHASE_LABEL[b.phase]}
                done={b.done}
                total={b.total}
                unit={b.phase === 'download' || b.phase === 'verify' ? 'bytes' : 'steps'}
                text={b.text}
                {...(b.bytesPerSecond !== undefined && b.etaSeconds !== undefined
                  ? { rate: { bytesPerSecond: b.bytesPerSecond, etaSeconds: b.etaSeconds } }
                  : {})}
              />
            ))}
            {downloading && (
              <button type="button" data-testid="pack-cancel" onClick={onCancel}>
                Cancel download
              </button>
            )}
          </>
        ) : (
          pack && (
            <p className="small muted">
              {readySummary(pack, progress)}{' '}
              <button type="button" className="link-button" onClick={onClearCache}>
                Clear cached models
              </button>
            </p>
          )
        )}
        {!loading && cancelled && (
          <p className="small" data-testid="pack-cancelled">
            Download of {describeTarget(cancelled.url)} cancelled at {formatBytes(cancelled.done)} of {formatBytes(cancelled.total)}
            {pack ? `; ${packDisplayName(pack)} is still loaded` : ''}. Finished files stay in the browser cache, so loading it again
            fetches only the rest.{' '}
            <button type="button" className="link-button" data-testid="pack-resume" onClick={() => props.onResume(cancelled.url)}>
              Resume
            </button>
          </p>
        )}
        {persistenceText && (
          <p className="small muted" data-testid="storage-persistence" data-persistence={props.persistence}>
            {persistenceText}
          </p>
        )}
      </div>
    </section>
  );
}
