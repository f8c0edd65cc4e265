/**
 * Which localiser to show: GenPromp or one baseline large, or all four side by
 * side; plus each baseline's own parameters. Baseline maps are recomputed on this
 * thread from the image's classifier features, so every control here is instant.
 */
import type { Layout, Method, MethodParams } from '../store/types';

export const METHOD_LABELS: Record<Method, string> = { genpromp: 'GenPromp', cam: 'CAM', lpcam: 'LPCAM', sat: 'SAT' };

export const METHOD_BLURBS: Record<Method, string> = {
  genpromp: 'diffusion cross-attention to the class token',
  cam: 'classifier weights × last feature map',
  lpcam: 'cosine to local class prototypes, minus context',
  sat: "ViT spatial token's attention (class-agnostic)",
};

export interface MethodPickerProps {
  methods: MethodParams;
  /** Per baseline: why it cannot be shown with this pack, or null. */
  unavailable: Record<Exclude<Method, 'genpromp'>, string | null>;
  /** Labels of SAT's exported blocks, e.g. ["block 4", …] (empty without SAT). */
  satBlocks: string[];
  /** CAM's feature map as "features, 128×16×16" (one layer is exported). */
  camLayer: string | null;
  disabled: boolean;
  onMethod: (m: Method) => void;
  onLayout: (l: Layout) => void;
  onLpcamContext: (v: boolean) => void;
  onSatBlock: (b: number | 'mean') => void;
}

export function MethodPicker(p: MethodPickerProps) {
  const current = p.methods.layout === 'compare' ? 'compare' : p.methods.method;
  const showAll = p.methods.layout === 'compare';
  const shows = (m: Method) => showAll || p.methods.method === m;
  const option = (value: Method | 'compare', label: string, reason: string | null) => (
    <label key={value} className={`segment ${current === value ? 'segment-on' : ''}`} title={reason ?? undefined}>
      <input
        type="radio"
        name="method"
        value={value}
        data-testid={`method-${value}`}
        checked={current === value}
        disabled={p.disabled || reason !== null}
        onChange={() => (value === 'compare' ? p.onLayout('compare') : p.onMethod(value))}
      />
      {label}
    </label>
  );
  const anyBaseline = Object.values(p.unavailable).some((r) => r === null);
  return (
    <section className="panel methods" aria-labelledby="methods-title">
      <h2 id="methods-title">Method</h2>
      <div className="segmented" role="radiogroup" aria-label="Localisation method">
        {option('genpromp', METHOD_LABELS.genpromp, null)}
        {option('cam', METHOD_LABELS.cam, p.unavailable.cam)}
        {option('lpcam', METHOD_LABELS.lpcam, p.unavailable.lpcam)}
        {option('sat', METHOD_LABELS.sat, p.unavailable.sat)}
        {option('compare', 'All four', anyBaseline ? null : p.unavailable.cam)}
      </div>
      {!anyBaseline && <p className="muted small">{`Baselines: ${p.unavailable.cam}.`}</p>}
      {p.methods.layout === 'single' && <p className="muted small">{`${METHOD_LABELS[p.methods.method]}: ${METHOD_BLURBS[p.methods.method]}.`}</p>}

      {shows('cam') && p.unavailable.cam === null && p.camLayer && (
        <p className="small" data-testid="cam-layer">
          CAM layer: <strong>{p.camLayer}</strong> <span className="muted">(the pack exports one)</span>
        </p>
      )}
      {shows('lpcam') && p.unavailable.lpcam === null && (
        <label className="check small">
          <input
            type="checkbox"
            data-testid="lpcam-context"
            checked={p.methods.lpcamContext}
            disabled={p.disabled}
            onChange={(e) => p.onLpcamContext(e.currentTarget.checked)}
          />
          LPCAM: subtract context prototypes
        </label>
      )}
      {shows('sat') && p.unavailable.sat === null && p.satBlocks.length > 0 && (
        <label className="small field-inline">
          SAT map from{' '}
          <select
            data-testid="sat-block"
            value={String(p.methods.satBlock)}
            disabled={p.disabled}
            onChange={(e) => p.onSatBlock(e.currentTarget.value === 'mean' ? 'mean' : Number(e.currentTarget.value))}
          >
            <option value="mean">mean of the last {p.satBlocks.length} blocks (SAT)</option>
            {p.satBlocks.map((label, i) => (
              <option key={i} value={i}>
                {label} only
              </option>
            ))}
          </select>
        </label>
      )}
    </section>
  );
}
