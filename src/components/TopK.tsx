/** The classifier's top-k with probability bars; clicking a row selects that class. */
import type { ClassScore } from '@shared/api';

export interface TopKProps {
  items: ClassScore[] | null;
  /** The first view's precomputed top-5, shown (not clickable) until the live one. */
  precomputed?: boolean;
  selected: number | null;
  /** The image the live list belongs to (a data attribute, so a test can tell one image's list from the next). */
  imageName?: string | null;
  busy: boolean;
  onSelect: (classIndex: number) => void;
}

export function TopK({ items, precomputed = false, selected, imageName = null, busy, onSelect }: TopKProps) {
  return (
    <section className="panel topk" aria-labelledby="topk-title">
      <h2 id="topk-title">Classifier top-5</h2>
      {!items ? (
        <p className="muted">{busy ? 'Classifying…' : 'No image analysed yet.'}</p>
      ) : (
        <>
          {precomputed && (
            <p className="small" data-testid="top5-precomputed">
              <span className="chip chip-precomputed">Precomputed</span> until the classifier has run here.
            </p>
          )}
          {/* Other test ids than the live list's: a wait for the live top-5 must not take this one. */}
          <ol data-testid={precomputed ? 'top5-precomputed-list' : 'top5'} data-image={imageName ?? undefined} className="topk-list">
            {items.slice(0, 5).map((c) => {
              const pct = Math.max(0, Math.min(1, c.probability)) * 100;
              return (
                <li key={c.index} data-testid={precomputed ? 'top5-precomputed-item' : 'top5-item'} data-class-index={c.index}>
                  <button
                    type="button"
                    className="topk-row"
                    aria-pressed={selected === c.index}
                    disabled={precomputed}
                    onClick={() => onSelect(c.index)}
                    title={`Localise "${c.displayName}"`}
                  >
                    <span className="topk-name">
                      {c.displayName}
                      {c.learned && <span className="chip small"> learned here</span>}
                    </span>
                    <span className="topk-bar" aria-hidden="true">
                      <span style={{ width: `${pct}%` }} />
                    </span>
                    <span className="topk-pct">{pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}%</span>
                  </button>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </section>
  );
}
