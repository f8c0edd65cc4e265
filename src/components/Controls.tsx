/**
 * GenPromp controls. λ and class need a model run; threshold, box mode,
 * resolutions and computed timesteps are recomputed instantly on this thread.
 */
import type { ReactNode } from 'react';
import type { ClassEntry } from '../shared/manifest';
import type { BoxMode, Colormap } from '../store/types';

export interface ControlsProps {
  disabled: boolean;
  classes: ClassEntry[];
  classIndex: number | null;
  lambda: number;
  timesteps: number[];
  timestepChoices: number[];
  /** Timesteps whose maps are already computed for this image, class and λ. */
  computedTimesteps: number[];
  resolutions: number[];
  resolutionChoices: number[];
  threshold: number;
  boxMode: BoxMode;
  colormap: Colormap;
  opacity: number;
  showGt: boolean;
  hasGt: boolean;
  onClass: (i: number) => void;
  onLambda: (v: number) => void;
  onToggleTimestep: (t: number) => void;
  onToggleResolution: (r: number) => void;
  onThreshold: (v: number) => void;
  onBoxMode: (m: BoxMode) => void;
  onColormap: (c: Colormap) => void;
  onOpacity: (v: number) => void;
  onShowGt: (v: boolean) => void;
}

function Field({ label, hint, children, htmlFor }: { label: string; hint?: string; children: ReactNode; htmlFor?: string }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={htmlFor}>
        {label}
        {hint && <span className="field-hint"> — {hint}</span>}
      </label>
      {children}
    </div>
  );
}

export function Controls(p: ControlsProps) {
  const computed = new Set(p.computedTimesteps);
  return (
    <section className="panel controls" aria-labelledby="controls-title">
      <h2 id="controls-title">GenPromp settings</h2>

      <Field label="Class to localise" htmlFor="class-select">
        <select
          id="class-select"
          data-testid="class-select"
          disabled={p.disabled || p.classes.length === 0}
          value={p.classIndex ?? ''}
          onChange={(e) => p.onClass(Number(e.currentTarget.value))}
        >
          {p.classIndex === null && <option value="">(top-1 prediction)</option>}
          {p.classes.map((c) => (
            <option key={c.index} value={c.index}>
              {c.displayName}
            </option>
          ))}
        </select>
      </Field>

      <Field label={`λ = ${p.lambda.toFixed(2)}`} hint="mix of meta (0) and learned (1) token; runs the model" htmlFor="lambda-slider">
        <input
          id="lambda-slider"
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={p.lambda}
          disabled={p.disabled}
          data-testid="lambda-slider"
          onChange={(e) => p.onLambda(Number(e.currentTarget.value))}
        />
      </Field>

      <Field label="Timesteps" hint="averaged; ● = already computed">
        <div className="toggles" role="group" aria-label="Timesteps">
          {p.timestepChoices.map((t) => {
            const on = p.timesteps.includes(t);
            return (
              <button
                key={t}
                type="button"
                className="toggle"
                aria-pressed={on}
                disabled={p.disabled || (on && p.timesteps.length === 1)}
                data-testid={`timestep-toggle-${t}`}
                data-computed={computed.has(t)}
                onClick={() => p.onToggleTimestep(t)}
              >
                {t}
                {computed.has(t) && <span className="dot" aria-label="computed" />}
              </button>
            );
          })}
        </div>
      </Field>

      <Field label="Attention resolutions" hint="which UNet layers are averaged">
        <div className="toggles" role="group" aria-label="Attention resolutions">
          {p.resolutionChoices.map((r) => {
            const on = p.resolutions.includes(r);
            return (
              <button
                key={r}
                type="button"
                className="toggle"
                aria-pressed={on}
                disabled={p.disabled || (on && p.resolutions.length === 1)}
                data-testid={`resolution-toggle-${r}`}
                onClick={() => p.onToggleResolution(r)}
              >
                {r}×{r}
              </button>
            );
          })}
        </div>
      </Field>

      <Field label={`Threshold τ = ${p.threshold.toFixed(2)}`} hint="of the min-max normalised map" htmlFor="threshold-slider">
        <input
          id="threshold-slider"
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={p.threshold}
          disabled={p.disabled}
          data-testid="threshold-slider"
          onChange={(e) => p.onThreshold(Number(e.currentTarget.value))}
        />
      </Field>

      <Field label="Boxes" htmlFor="box-mode">
        <select
          id="box-mode"
          data-testid="box-mode"
          value={p.boxMode}
          disabled={p.disabled}
          onChange={(e) => p.onBoxMode(e.currentTarget.value === 'all' ? 'all' : 'largest')}
        >
          <option value="largest">largest region (GenPromp)</option>
          <option value="all">every region (MaxBoxAccV2)</option>
        </select>
      </Field>

      <div className="field-row">
        <Field label="Colormap" htmlFor="colormap">
          <select id="colormap" data-testid="colormap-select" value={p.colormap} onChange={(e) => p.onColormap(e.currentTarget.value as Colormap)}>
            <option value="viridis">viridis</option>
            <option value="jet">jet</option>
            <option value="gray">gray</option>
          </select>
        </Field>
        <Field label={`Opacity ${(p.opacity * 100).toFixed(0)}%`} htmlFor="opacity-slider">
          <input
            id="opacity-slider"
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={p.opacity}
            data-testid="opacity-slider"
            onChange={(e) => p.onOpacity(Number(e.currentTarget.value))}
          />
        </Field>
      </div>
      {p.hasGt && (
        <label className="checkbox">
          <input type="checkbox" checked={p.showGt} onChange={(e) => p.onShowGt(e.currentTarget.checked)} /> show ground-truth box
        </label>
      )}
    </section>
  );
}
