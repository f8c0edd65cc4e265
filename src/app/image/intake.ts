/**
 * Where images enter the app: file picker, drop, paste and the sample gallery.
 * Decodes off the hot path; on any failure the error banner explains and the
 * previous image and result stay on screen.
 */
import { actions } from '../../store/actions';
import type { Sample } from '../../store/types';
import { EngineError } from '@shared/errors';
import { decodeImage } from './decode';

/** Incremented by every pick (file, paste, drop, sample): only the latest one is shown. */
let seq = 0;

export function intakeBlob(blob: Blob, name: string, sample: Sample | null = null): Promise<void> {
  return decodeAndAccept(++seq, blob, name, sample);
}

async function decodeAndAccept(mine: number, blob: Blob, name: string, sample: Sample | null): Promise<void> {
  actions().setDecoding(true);
  try {
    const decoded = await decodeImage(blob, name);
    if (mine !== seq) {
      decoded.bitmap.close(); // a newer pick superseded this one
      return;
    }
    actions().acceptImage(decoded, sample);
  } catch (err) {
    if (mine === seq) actions().reportError(err, `Opening ${name}`);
  } finally {
    if (mine === seq) actions().setDecoding(false);
  }
}

/** First image-like file of a drop / paste / picker selection. */
export function intakeFiles(files: ArrayLike<File> | null | undefined): void {
  const list = files ? Array.from(files) : [];
  const file = list[0];
  if (!file) {
    actions().reportError(
      new EngineError('InvalidImage', 'Nothing to open: drop or paste an image file (not a link or text).'),
      'Opening an image',
    );
    return;
  }
  void intakeBlob(file, file.name || 'pasted image');
}

export async function intakeSample(sample: Sample, samplesBase: string): Promise<void> {
  const mine = ++seq;
  actions().setDecoding(true);
  const url = new URL(sample.file, samplesBase).href;
  let blob: Blob;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new EngineError('DownloadFailed', `The sample ${sample.file} could not be fetched (HTTP ${res.status}).`);
    blob = await res.blob();
  } catch (err) {
    if (mine !== seq) return;
    actions().setDecoding(false);
    actions().reportError(
      err instanceof EngineError
        ? err
        : new EngineError('DownloadFailed', `The sample ${sample.file} could not be fetched: ${String(err)}`),
      `Opening the sample "${sample.label}"`,
    );
    return;
  }
  if (mine !== seq) return;
  await decodeAndAccept(mine, blob, sample.file, sample);
}
