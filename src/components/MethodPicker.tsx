/**
 * Which localiser to show: one method large, or all of them side by side; plus the
 * shown methods' own parameters, rendered from the registry's control descriptions
 * (a new method's toggles and choices need no code here).
 */
import type { MethodId } from '@shared/methods/registry';
import { isSanityBaseline, type AnyMethod } from '@shared/methods/registry';
import type { OwnControl } from '@shared/methods/types';
import type { Manifest } from '@shared/manifest';
import type { Layout, MethodChoice } from '../store/types';
import { DocLinks } from './DocLinks';

export interface MethodPickerProps {
  methods: readonly AnyMethod[];
  choice: MethodChoice;
  /** Every method's own parameters, by id. */
  own: Readonly<Record<MethodId, unknown>>;
  /** null before a pack is loaded (everything disabled but the precomputed methods). */
  manifest: Manifest | null;
  /** Methods whose precomputed first-view map can be shown before the pack is loaded. */
  precomputed: ReadonlySet<MethodId>;
  onMethod: (m: MethodId) => void;
  onLayout: (l: Layout) => void;
  onOwn: (m: MethodId, patch: Record<string, unknown>) => void;
  /** Whether the side-by-side view also shows the sanity baselines. */
  compareBaselines: boolean;
  onCompareBaselines: (on: boolean) => void;
}

const COUNT_WORDS = ['none', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight'];

export function MethodPicker(p: MethodPickerProps) {
  const m = p.manifest;
  const reasons = new Map(p.methods.map((d) => [d.id, m ? d.unavailable(m) : null]));
  const methods = p.methods.filter((d) => !isSanityBaseline(d));
  const baselines = p.methods.filter(isSanityBaseline);
  const available = methods.filter((d) => reasons.get(d.id) === null);
  const compare = p.choice.layout === 'compare';
  const current: MethodId | 'compare' = compare ? 'compare' : p.choice.method;
  // Methods the pack lacks, grouped by reason: "CAM, LPCAM, SAT: this model pack has no baselines".
  const missing = new Map<string, string[]>();
  for (const d of p.methods) {
    const why = reasons.get(d.id);
    if (why) missing.set(why, [...(missing.get(why) ?? []), d.label]);
  }
  const option = (value: MethodId | 'compare', label: string, reason: string | null) => (
    <label key={value} className={`segment ${current === value ? 'segment-on' : ''}`} title={reason ?? undefined}>
      <input
        type="radio"
        name="method"
        value={value}
        data-testid={`method-${value}`}
        checked={current === value}
        disabled={m ? reason !== null : value === 'compare' ? p.precomputed.size < 2 : !p.precomputed.has(value)}
        onChange={() => (value === 'compare' ? p.onLayout('compare') : p.onMethod(value))}
      />
      {label}
    </label>
  );
  const single = p.methods.find((d) => d.id === p.choice.method);
  return (
    <section className="panel methods" aria-labelledby="methods-title">
      <h2 id="methods-title">Method</h2>
      <div className="segmented" role="radiogroup" aria-label="Localisation method">
        {methods.map((d) => option(d.id, d.label, reasons.get(d.id) ?? null))}
        {option(
          'compare',
          `All ${COUNT_WORDS[methods.length] ?? methods.length}`,
          available.length > 1 ? null : 'this pack can show only one method',
        )}
      </div>
      {baselines.length > 0 && (
        <div className="sanity-row" role="radiogroup" aria-labelledby="sanity-title">
          <p id="sanity-title" className="small sanity-title">
            Sanity baselines <span className="muted">(no model; scored like the methods, which should beat them)</span>
          </p>
          <div className="segmented segmented-sanity">{baselines.map((d) => option(d.id, d.label, reasons.get(d.id) ?? null))}</div>
          <label className="check small">
            <input
              type="checkbox"
              data-testid="compare-baselines"
              checked={p.compareBaselines}
              disabled={!m}
              onChange={(e) => p.onCompareBaselines(e.currentTarget.checked)}
            />
            show them in “All” too
          </label>
        </div>
      )}
      {[...missing].map(([why, labels]) => (
        <p key={why} className="muted small">
          {`${labels.join(', ')}: `}
          <DocLinks text={why} />.
        </p>
      ))}
      {!compare && single && <p className="muted small">{`${single.label}: ${single.blurb}.`}</p>}
      {m &&
        available
          .filter((d) => compare || d.id === p.choice.method)
          .flatMap((d) =>
            d.controls.map((c) => (
              <Control key={`${d.id}-${c.testId}`} control={c} manifest={m} own={p.own[d.id]} onChange={(patch) => p.onOwn(d.id, patch)} />
            )),
          )}
    </section>
  );
}

function Control({
  control: c,
  manifest,
  own,
  onChange,
}: {
  control: OwnControl<unknown>;
  manifest: Manifest;
  own: unknown;
  onChange: (patch: Record<string, unknown>) => void;
}) {
  const values = own as Record<string, unknown>;
  if (c.kind === 'info') {
    const text = c.text(manifest);
    return text ? (
      <p className="small" data-testid={c.testId}>
        {text}
      </p>
    ) : null;
  }
  if (c.kind === 'toggle') {
    return (
      <label className="check small">
        <input
          type="checkbox"
          data-testid={c.testId}
          checked={values[c.key] === true}
          onChange={(e) => onChange({ [c.key]: e.currentTarget.checked })}
        />
        {c.label}
      </label>
    );
  }
  const choices = c.choices(manifest);
  return (
    <label className="small field-inline">
      {c.label}{' '}
      <select
        data-testid={c.testId}
        value={String(values[c.key])}
        onChange={(e) => {
          const picked = choices.find((x) => String(x.value) === e.currentTarget.value);
          if (picked) onChange({ [c.key]: picked.value });
        }}
      >
        {choices.map((x) => (
          <option key={String(x.value)} value={String(x.value)}>
            {x.label}
          </option>
        ))}
      </select>
    </label>
  );
}
