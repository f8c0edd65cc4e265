/**
 * Teach a new class: choose 3–10 images of something the pack has never seen, name it and pick
 * the word it starts from; textual inversion then learns its concept token in a Worker (tfjs),
 * with the step count, a loss curve, the time left, Cancel and the class's map as it sharpens
 * (refreshed every few steps). Each class learned here is listed
 * with its GenPromp map on the first image it was taught from.
 *
 * Keyboard: native inputs and buttons; the status line is a live region.
 */
import { useState } from 'react';
import type { LearnedEntry, TeachState } from '../../store/slices/teach';
import { MapThumb } from '../lab/MapThumb';
import { LinePlot } from '../plot/LinePlot';
import { seriesStyle } from '../plot/palette';
import { ProgressBar } from '../ProgressBar';

export interface TeachPanelProps {
  state: TeachState;
  learned: LearnedEntry[];
  /** Words to start from (datalist suggestions; any single word of the vocabulary works). */
  words: string[];
  canRun: boolean;
  onTeach: (files: File[], name: string, word: string) => void;
  onCancel: () => void;
  onForget: (id: string) => void;
  /** Save the learned classes as one file (the caller downloads it). */
  onExport: () => void;
  onImport: (file: File) => void;
}

const seconds = (s: number) => (s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

function statusLine(s: TeachState): string {
  switch (s.status) {
    case 'idle':
      return (
        s.message ?? 'Choose 3–10 images of one new object, name it, and pick a word to start from (e.g. a superclass such as “animal”).'
      );
    case 'encoding':
      return 'Encoding the images…';
    case 'training': {
      const p = s.progress;
      if (!p) return 'Starting…';
      if (p.phase !== 'train') return p.text;
      return `Step ${p.done} of ${p.total} · loss ${p.loss?.toFixed(4)} · about ${seconds(p.etaSeconds ?? 0)} left`;
    }
    case 'done':
      return s.message ?? 'Learned. The new class is listed below with its map, and is in the class picker and the top-5 (with CAM).';
    case 'cancelled':
    case 'failed':
      return s.message ?? 'Stopped.';
  }
}

/** A learned class's map over the first image it was taught from. */
function PreviewMap({ preview }: { preview: NonNullable<LearnedEntry['preview']> }) {
  return (
    <MapThumb
      image={preview.image}
      mapSize={preview.size}
      map={preview.map}
      mapHash={preview.hash}
      boxes={[]}
      gtBoxes={[]}
      colormap="viridis"
      opacity={0.55}
      width={160}
    />
  );
}

export function TeachPanel(p: TeachPanelProps) {
  const [files, setFiles] = useState<File[]>([]);
  const [name, setName] = useState('');
  const [word, setWord] = useState(p.words[0] ?? '');
  const s = p.state;
  const busy = s.status === 'encoding' || s.status === 'training';
  const step = s.progress?.phase === 'train' ? s.progress : null;
  return (
    <section className="panel teach-panel" aria-labelledby="teach-title" data-testid="teach-panel" data-status={s.status}>
      <h2 id="teach-title">Teach a new class</h2>
      <form
        className="teach-form"
        onSubmit={(e) => {
          e.preventDefault();
          p.onTeach(files, name, word);
        }}
      >
        <label>
          Images (3–10)
          <input
            type="file"
            accept="image/*"
            multiple
            data-testid="teach-files"
            disabled={busy}
            onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))}
          />
        </label>
        <label>
          Name
          <input type="text" value={name} data-testid="teach-name" disabled={busy} onChange={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Starting word
          <input
            type="text"
            list="teach-words"
            value={word}
            data-testid="teach-word"
            disabled={busy}
            onChange={(e) => setWord(e.currentTarget.value)}
          />
          <datalist id="teach-words">
            {p.words.map((w) => (
              <option key={w} value={w} />
            ))}
          </datalist>
        </label>
        <div className="teach-actions">
          <button type="submit" data-testid="teach-run" disabled={busy || !p.canRun}>
            Teach
          </button>
          {s.status === 'training' && (
            <button type="button" data-testid="teach-cancel" onClick={p.onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
      <p className="small muted" data-testid="teach-status" aria-live="polite">
        {statusLine(s)}
      </p>
      {s.status === 'training' && s.classifier && (
        <p className="small muted" data-testid="teach-classifier">
          {s.classifier}
        </p>
      )}
      {s.status === 'training' && s.progress && (
        <ProgressBar
          label={step ? 'Textual inversion' : s.progress.text}
          done={s.progress.done}
          total={s.progress.total}
          unit={s.progress.phase === 'download' ? 'bytes' : 'steps'}
        />
      )}
      {s.status === 'training' && s.preview && (
        <figure className="teach-live" data-testid="teach-live">
          <PreviewMap preview={s.preview} />
          <figcaption className="small muted">Its map so far, on the first image (refreshed every few steps)</figcaption>
        </figure>
      )}
      {s.losses.length > 0 && (
        <LinePlot
          testId="teach-loss"
          x={s.losses.map((_, i) => i + 1)}
          series={[{ label: 'loss', values: s.losses, style: seriesStyle(0), star: null }]}
          xLabel="step"
          yLabel="ε-prediction loss"
          xRange={[1, Math.max(2, s.progress?.phase === 'train' ? s.progress.total : s.losses.length)]}
          yRange={[0, Math.max(...s.losses) * 1.1]}
          xMarker={null}
          height={220}
          ariaLabel={`Loss over ${s.losses.length} steps, last ${s.losses.at(-1)?.toFixed(4)}`}
        />
      )}
      {p.learned.length > 0 && (
        <ul className="teach-learned" data-testid="teach-learned">
          {p.learned.map((c) => (
            <li key={c.id} data-testid="teach-learned-class" data-index={c.index} data-name={c.name}>
              <strong>{c.name}</strong> <span className="chip">learned here</span>{' '}
              <span className="small muted">
                from “{c.word}”, {c.losses.length} steps ({(c.msPerStep / 1000).toFixed(1)} s each)
                {c.head ? ' · classifier row: top-5 and CAM' : ' · GenPromp only'}
              </span>{' '}
              <button
                type="button"
                className="link-button"
                data-testid="teach-forget"
                disabled={busy}
                aria-label={`Forget ${c.name}`}
                onClick={() => p.onForget(c.id)}
              >
                Forget
              </button>
              {c.preview && <PreviewMap preview={c.preview} />}
            </li>
          ))}
        </ul>
      )}
      <div className="teach-actions">
        <button type="button" data-testid="teach-export" disabled={busy || p.learned.length === 0} onClick={p.onExport}>
          Export learned classes
        </button>
        <label className="button-like">
          Import…
          <input
            type="file"
            accept=".json,application/json"
            data-testid="teach-import"
            disabled={busy}
            className="visually-hidden"
            onChange={(e) => {
              const f = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (f) p.onImport(f);
            }}
          />
        </label>
        <span className="small muted">Learned classes are kept in this browser for this pack; a file carries them to another.</span>
      </div>
    </section>
  );
}
