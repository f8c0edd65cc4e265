/** The model pack: what is loaded, a selector of known packs, a URL field, and load progress. */
import { useState, type FormEvent } from 'react';
import type { PackIndexEntry, PackSummary } from '@shared/api';
import { analysisFrame } from '@shared/manifest';
import { formatBytes, ProgressBar } from './ProgressBar';

export interface PhaseBar {
  phase: 'download' | 'verify' | 'create' | 'warmup' | 'inference';
  done: number;
  total: number;
  text: string;
}

export interface PackStatusProps {
  packs: PackIndexEntry[];
  pack: PackSummary | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadingUrl: string | null;
  progress: PhaseBar[];
  /** For tests and styling: idle | manifest | download | verify | create | warmup | ready | error. */
  phase: string;
  onSelect: (entry: PackIndexEntry) => void;
  onLoadUrl: (url: string) => void;
  onClearCache: () => void;
}

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
  return `Ready: ${size}${pack.fromCache ? 'loaded from the browser cache' : 'downloaded and verified'}.`;
}

export function PackStatus({ packs, pack, status, loadingUrl, progress, phase, onSelect, onLoadUrl, onClearCache }: PackStatusProps) {
  const [url, setUrl] = useState('');
  const loading = status === 'loading';
  const currentPath = loadingUrl ?? pack?.baseUrl ?? '';
  const known = packs.find((p) => p.path === currentPath);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    onLoadUrl(url);
  };

  return (
    <section className="panel pack" aria-labelledby="pack-title">
      <h2 id="pack-title">Model pack</h2>
      {pack ? (
        <div className="pack-current">
          <div>
            <strong>{pack.manifest.label}</strong> <span className="muted">({pack.manifest.id})</span>
            {pack.fromCache && <span className="chip">cached</span>}
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
        <p className="muted">{loading ? 'Loading…' : status === 'error' ? 'No pack loaded.' : 'Waiting for the engine…'}</p>
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
            {!known && <option value="">(custom URL)</option>}
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

      <div className="pack-progress" data-testid="pack-progress" data-phase={phase} aria-live="polite">
        {loading ? (
          <>
            <p className="small muted">Loading {loadingUrl}</p>
            {progress.length === 0 && <p className="small">Fetching the manifest…</p>}
            {progress.map((b) => (
              <ProgressBar
                key={b.phase}
                label={PHASE_LABEL[b.phase]}
                done={b.done}
                total={b.total}
                unit={b.phase === 'download' || b.phase === 'verify' ? 'bytes' : 'steps'}
                text={b.text}
              />
            ))}
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
      </div>
    </section>
  );
}
