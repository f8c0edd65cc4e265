/**
 * The guided tour's card: step n of N, a title, two sentences, and Back / Next / Close. Keys
 * while it is open: → next, ← back, Esc close (arrows only when no control has the
 * focus, so sliders and the probe keep theirs). The step's target is highlighted meanwhile.
 */
import { useEffect } from 'react';
import { useSpotlight } from './Spotlight';
import type { TourStep } from './steps';

export interface TourCardProps {
  steps: readonly TourStep[];
  /** 0-based. */
  step: number;
  onStep(step: number): void;
  onClose(): void;
}

/** Whether a key press belongs to a control (typing, a slider, the probe) rather than to the page. */
function inControl(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || el === document.body) return false;
  if (el.closest('[data-testid="tour-card"]')) return el.tagName === 'INPUT';
  return /^(INPUT|SELECT|TEXTAREA|CANVAS)$/.test(el.tagName) || el.isContentEditable;
}

export function TourCard({ steps, step, onStep, onClose }: TourCardProps) {
  const current = steps[Math.min(step, steps.length - 1)]!;
  const last = step >= steps.length - 1;
  useSpotlight(current.targets);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (inControl(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      else if (e.key === 'ArrowRight') onStep(Math.min(step + 1, steps.length - 1));
      else if (e.key === 'ArrowLeft') onStep(Math.max(step - 1, 0));
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [step, steps.length, onStep, onClose]);

  return (
    <section
      className="tour-card"
      role="dialog"
      aria-modal="false"
      aria-labelledby="tour-title"
      aria-describedby="tour-text"
      data-testid="tour-card"
      data-step={step + 1}
      data-step-id={current.id}
    >
      <p className="muted small tour-count">
        Guided tour · step {step + 1} of {steps.length}
      </p>
      <h2 id="tour-title">{current.title}</h2>
      <p id="tour-text" className="small">
        {current.text}
      </p>
      <div className="tour-buttons">
        <button type="button" data-testid="tour-back" disabled={step === 0} onClick={() => onStep(step - 1)}>
          ← Back
        </button>
        <button type="button" data-testid="tour-next" onClick={() => (last ? onClose() : onStep(step + 1))}>
          {last ? 'Finish' : 'Next →'}
        </button>
        <button type="button" className="link-button" data-testid="tour-close" aria-label="Close the tour (Esc)" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted small tour-keys">← → to move, Esc to close; the tour resumes where you left it.</p>
    </section>
  );
}
