/**
 * Opens the precomputed first view (public/first-view.json, src/shared/firstView.ts) while the
 * engine starts: its sample is decoded and its maps painted at once, marked "precomputed"; the
 * live analysis of the same image starts when the pack is ready and replaces them. Nothing
 * happens when the user already chose an image, or when the URL carries a view of its own (a hash).
 */
import { parseFirstView } from '@shared/firstView';
import { baseUrl } from '../store/base';
import { actions } from '../store/actions';
import { intakeSample } from './image/intake';

export async function openFirstView(): Promise<void> {
  if (typeof location !== 'undefined' && location.hash.length > 1) return;
  let file: ReturnType<typeof parseFirstView>;
  try {
    const res = await fetch(new URL('first-view.json', baseUrl()));
    if (!res.ok) return;
    file = parseFirstView(await res.json());
  } catch (err) {
    // Optional: without it the page starts empty, as before; a malformed file is a build problem.
    if ((err as Error)?.name === 'FirstViewFormatError') console.warn(String(err));
    return;
  }
  if (actions().image || actions().decoding) return;
  await intakeSample(file.sample, actions().samplesBase);
  actions().applyFirstView(file);
}
