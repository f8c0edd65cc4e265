/**
 * GenPromp controls. λ and class need a model run; threshold, box mode,
 * resolutions and computed timesteps are recomputed instantly on this thread.
 */
import { type KeyboardEvent, type ReactNode, useMemo, useState } from 'react';
import type { ClassEntry } from '@shared/manifest';
import { filterClasses } from './classSearch';
import type { BoxMode, Colormap } from '../store/types';
import { DocLinks } from './DocLinks';

export interface ControlsActions {
  setClass(i: number): void;
  setLambda(v: number): void;
  toggleTimestep(t: number): void;
  toggleResolution(r: number): void;
  setThreshold(v: number): void;
  setBoxMode(m: BoxMode): void;
  setColormap(c: Colormap): void;
  setOpacity(v: number): void;
  setShowGt(v: boolean): void;
}

export interface ControlsProps {
  disabled: boolean;
  classes: ClassEntry[];
  classIndex: number | null;
  /** Why this pack cannot run GenPromp (its λ, timesteps and resolutions are then disabled), or null. */
  genprompUnavailable: string | null;
  lambda: number;
  /** The λ slider's step: 0.1 snaps to the λ strip's cached values, 0.01 is the fine (live) mode. */
  lambdaStep: number;
  /** Said next to λ, e.g. "live (off-grid)" while the strip is open; null for nothing. */
  lambdaNote: string | null;
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
  /** What the controls change (the store's actions). */
  on: ControlsActions;
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
  const [classQuery, setClassQuery] = useState('');
  // Memoised: the τ and λ sliders re-render these controls every frame, and a pack may list
  // 1,000 classes; the filter and the <option> list change only with the classes, query or choice.
  const matches = useMemo(() => filterClasses(p.classes, classQuery), [p.classes, classQuery]);
  const classOptions = useMemo(() => {
    // The chosen class stays listed even when the query hides it, so the select shows what is drawn.
    const chosen = p.classIndex === null ? undefined : p.classes[p.classIndex];
    const listed = chosen && !matches.includes(chosen) ? [chosen, ...matches] : matches;
    return listed.map((c) => (
      <option key={c.index} value={c.index}>
        {c.learned ? `${c.displayName} (learned here)` : c.displayName}
      </option>
    ));
  }, [matches, p.classes, p.classIndex]);
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    // Enter picks the first match: type a few letters, press Enter, done.
    if (e.key === 'Enter' && matches[0]) {
      e.preventDefault();
      p.on.setClass(matches[0].index);
    }
  };
  const genprompDisabled = p.disabled || p.genprompUnavailable !== null;
  return (
    <section className="panel controls" aria-labelledby="controls-title">
      <h2 id="controls-title">Settings</h2>
      <p className="muted small">Class, threshold and box mode apply to every method; λ, timesteps and resolutions are GenPromp's.</p>

      <Field
        label="Find a class"
        hint={classQuery ? `${matches.length} of ${p.classes.length} match; Enter picks the first` : `${p.classes.length} classes`}
        htmlFor="class-search"
      >
        <input
          id="class-search"
          type="search"
          data-testid="class-search"
          placeholder="e.g. cat"
          aria-controls="class-select"
          autoComplete="off"
          disabled={p.disabled || p.classes.length === 0}
          value={classQuery}
          onChange={(e) => setClassQuery(e.currentTarget.value)}
          onKeyDown={onSearchKey}
        />
      </Field>

      <Field label="Class to localise" htmlFor="class-select">
        <select
          id="class-select"
          data-testid="class-select"
          disabled={p.disabled || p.classes.length === 0}
          value={p.classIndex ?? ''}
          onChange={(e) => p.on.setClass(Number(e.currentTarget.value))}
        >
          {p.classIndex === null && <option value="">(top-1 prediction)</option>}
          {classOptions}
        </select>
      </Field>

      {p.genprompUnavailable !== null && (
        <p className="muted small" data-testid="genpromp-controls-unavailable">
          λ, timesteps and resolutions are off: <DocLinks text={p.genprompUnavailable} />.
        </p>
      )}

      <Field
        label={`λ = ${p.lambda.toFixed(2)}${p.lambdaNote ? ` · ${p.lambdaNote}` : ''}`}
        hint="mix of meta (0) and learned (1) token; runs the model"
        htmlFor="lambda-slider"
      >
        <input
          id="lambda-slider"
          type="range"
          min={0}
          max={1}
          step={p.lambdaStep}
          value={p.lambda}
          disabled={genprompDisabled}
          data-testid="lambda-slider"
          onChange={(e) => p.on.setLambda(Number(e.currentTarget.value))}
        />
      </Field>

      <Field label="Timesteps" hint="averaged; ● = already computed">
        <ToggleGroup
          label="Timesteps"
          choices={p.timestepChoices}
          selected={p.timesteps}
          disabled={genprompDisabled}
          testId={(t) => `timestep-toggle-${t}`}
          text={(t) => String(t)}
          computed={computed}
          onToggle={p.on.toggleTimestep}
        />
      </Field>

      <Field label="Attention resolutions" hint="which UNet layers are averaged">
        <ToggleGroup
          label="Attention resolutions"
          choices={p.resolutionChoices}
          selected={p.resolutions}
          disabled={genprompDisabled}
          testId={(r) => `resolution-toggle-${r}`}
          text={(r) => `${r}×${r}`}
          onToggle={p.on.toggleResolution}
        />
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
          onChange={(e) => p.on.setThreshold(Number(e.currentTarget.value))}
        />
      </Field>

      <Field label="Boxes" htmlFor="box-mode">
        <select
          id="box-mode"
          data-testid="box-mode"
          value={p.boxMode}
          disabled={p.disabled}
          onChange={(e) => p.on.setBoxMode(e.currentTarget.value === 'all' ? 'all' : 'largest')}
        >
          <option value="largest">largest region (GenPromp)</option>
          <option value="all">every region (MaxBoxAccV2)</option>
        </select>
      </Field>

      <div className="field-row">
        <Field label="Colormap" htmlFor="colormap">
          <select
            id="colormap"
            data-testid="colormap-select"
            value={p.colormap}
            onChange={(e) => p.on.setColormap(e.currentTarget.value as Colormap)}
          >
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
            onChange={(e) => p.on.setOpacity(Number(e.currentTarget.value))}
          />
        </Field>
      </div>
      {p.hasGt && (
        <label className="checkbox">
          <input type="checkbox" checked={p.showGt} onChange={(e) => p.on.setShowGt(e.currentTarget.checked)} /> show ground-truth box
        </label>
      )}
    </section>
  );
}

interface ToggleGroupProps {
  label: string;
  choices: number[];
  selected: number[];
  disabled: boolean;
  testId: (v: number) => string;
  text: (v: number) => string;
  /** Values with cached results get a dot. */
  computed?: ReadonlySet<number>;
  onToggle: (v: number) => void;
}

/** A multi-select of numbers as toggle buttons; the last selected one cannot be turned off. */
function ToggleGroup({ label, choices, selected, disabled, testId, text, computed, onToggle }: ToggleGroupProps) {
  return (
    <div className="toggles" role="group" aria-label={label}>
      {choices.map((v) => {
        const on = selected.includes(v);
        return (
          <button
            key={v}
            type="button"
            className="toggle"
            aria-pressed={on}
            disabled={disabled || (on && selected.length === 1)}
            data-testid={testId(v)}
            {...(computed ? { 'data-computed': computed.has(v) } : {})}
            onClick={() => onToggle(v)}
          >
            {text(v)}
            {computed?.has(v) && <span className="dot" aria-label="computed" />}
          </button>
        );
      })}
    </div>
  );
}
