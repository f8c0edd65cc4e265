/**
 * "Lesson link and export" panel: copy the link that reopens this view, and download slides
 * (PNG contact sheets) and the JSON of settings and metrics. What cannot travel in a link (a
 * dropped image, a pack opened from a folder) is said next to the button.
 */
import { useState } from 'react';

export interface ExportButton {
  id: string;
  label: string;
  /** Why it is disabled, or null. */
  unavailable: string | null;
}

export interface ShareExportProps {
  /** The link as it would be copied now ('' before a pack is loaded). */
  link: string;
  /** Sentences about what the link leaves out (empty: it carries everything). */
  leftOut: string[];
  onCopy(): Promise<boolean>;
  sheets: readonly ExportButton[];
  onSheet(id: string): void;
  jsonUnavailable: string | null;
  onJson(): void;
}

export function ShareExport(p: ShareExportProps) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <section className="panel share-export" aria-labelledby="share-title" data-testid="share-export">
      <h2 id="share-title">Lesson link and export</h2>
      <div className="share-row">
        <button
          type="button"
          data-testid="copy-lesson-link"
          disabled={!p.link}
          onClick={() => void p.onCopy().then((ok) => setCopied(ok ? 'yes' : 'no'))}
        >
          Copy lesson link
        </button>
        <span className="muted small" role="status" data-testid="copy-status">
          {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Copying was refused: select the link below and copy it.' : ''}
        </span>
      </div>
      <input
        className="lesson-link"
        readOnly
        value={p.link}
        aria-label="Lesson link: opens this view with the same image, settings and tour step"
        data-testid="lesson-link"
        onFocus={(e) => e.currentTarget.select()}
      />
      {p.leftOut.map((t) => (
        <p key={t} className="small notice-inline" data-testid="lesson-link-left-out">
          {t}
        </p>
      ))}
      <div className="export-row" role="group" aria-label="Export for slides">
        {p.sheets.map((b) => (
          <button
            key={b.id}
            type="button"
            data-testid={`export-${b.id}`}
            disabled={b.unavailable !== null}
            title={b.unavailable ?? undefined}
            onClick={() => p.onSheet(b.id)}
          >
            {b.label}
          </button>
        ))}
        <button
          type="button"
          data-testid="export-json"
          disabled={p.jsonUnavailable !== null}
          title={p.jsonUnavailable ?? undefined}
          onClick={p.onJson}
        >
          JSON of settings and metrics
        </button>
      </div>
      <p className="muted small">PNGs carry the maps with their boxes, a legend, the colour scale and the settings.</p>
    </section>
  );
}
