/**
 * The tour's highlight: the class `tour-spotlight` (an outline and a dimming halo, styles.css)
 * on the first element matching one of the step's selectors, scrolled into view once. Targets
 * can appear late (the IoU readout waits for a map), so the lookup repeats a few times a second.
 */
import { useEffect } from 'react';

export const SPOTLIGHT_CLASS = 'tour-spotlight';
const LOOKUP_MS = 250;

export function useSpotlight(selectors: readonly string[] | null): void {
  const key = selectors?.join('\n') ?? '';
  useEffect(() => {
    if (!key) return;
    const list = key.split('\n');
    let current: Element | null = null;
    let scrolled = false;
    const find = (): void => {
      const el = list.map((sel) => document.querySelector(sel)).find((e) => e !== null) ?? null;
      if (el === current) return;
      current?.classList.remove(SPOTLIGHT_CLASS);
      current = el;
      if (!el) return;
      el.classList.add(SPOTLIGHT_CLASS);
      if (!scrolled) {
        scrolled = true;
        el.scrollIntoView({ block: 'center', behavior: 'smooth' });
      }
    };
    find();
    const timer = setInterval(find, LOOKUP_MS);
    return () => {
      clearInterval(timer);
      current?.classList.remove(SPOTLIGHT_CLASS);
    };
  }, [key]);
}
