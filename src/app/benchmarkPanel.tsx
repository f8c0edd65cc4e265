/** The gallery benchmark, connected: its slice's state, the page's image decoder, the τ panel's series colours. */
import { ALL_METHODS, isMethodId, isSanityBaseline, methodById } from '@shared/methods/registry';
import { GalleryBenchmark } from '../components/lab/GalleryBenchmark';
import { seriesStyle } from '../components/plot/palette';
import { useAppStore } from '../store';
import { actions } from '../store/actions';
import { decodeImage } from './image/decode';

/** The benchmark needs pixels only: the bitmap for drawing is released at once. */
async function decodePixels(blob: Blob, name: string) {
  const decoded = await decodeImage(blob, name);
  decoded.bitmap.close();
  return decoded.pixels;
}

const styleOf = (id: string) => seriesStyle(isMethodId(id) ? ALL_METHODS.indexOf(methodById(id)) : 0);
const isSanity = (id: string) => isMethodId(id) && isSanityBaseline(methodById(id));

export function BenchmarkPanel() {
  const state = useAppStore((s) => s.benchmark);
  const canRun = useAppStore((s) => s.pack !== null && s.engineStatus === 'ready' && s.packStatus !== 'loading' && s.samples !== null);
  return (
    <GalleryBenchmark
      state={state}
      styleOf={styleOf}
      isSanity={isSanity}
      canRun={canRun}
      onRun={() => void actions().runBenchmark(decodePixels)}
      onCancel={() => actions().cancelBenchmark()}
    />
  );
}
