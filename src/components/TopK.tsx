/** The classifier's top-k with probability bars; clicking a row selects that class. */
import type { ClassScore } from '@shared/api';

export interface TopKProps {
  items: ClassScore[] | null;
  selected: number | null;
  busy: boolean;
  onSelect: (classIndex: number) => void;
}

export function TopK({ items, selected, busy, onSelect }: TopKProps) {
  return (
    <section className="panel topk" aria-labelledby="topk-title">
      <h2 id="topk-title">Classifier top-5</h2>
      {!items ? (
        <p className="muted">{busy ? 'Classifying…' : 'No image analysed yet.'}</p>
      ) : (
        <ol data-testid="top5" className="topk-list">
          {items.slice(0, 5).map((c) => {
            const pct = Math.max(0, Math.min(1, c.probability)) * 100;
            return (
              <li key={c.index} data-testid="top5-item" data-class-index={c.index}>
                <button
                  type="button"
                  className="topk-row"
                  aria-pressed={selected === c.index}
                  onClick={() => onSelect(c.index)}
                  title={`Localise "${c.displayName}"`}
                >
                  <span className="topk-name">{c.displayName}</span>
                  <span className="topk-bar" aria-hidden="true">
                    <span style={{ width: `${pct}%` }} />
                  </span>
                  <span className="topk-pct">{pct >= 10 ? pct.toFixed(0) : pct.toFixed(1)}%</span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
