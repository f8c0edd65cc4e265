/** Sample images (public/samples/index.json); each button loads one with its ground-truth boxes. */
import type { Sample } from '../store/types';

export interface SampleGalleryProps {
  samples: Sample[];
  baseUrl: string;
  activeFile: string | null;
  onPick: (sample: Sample) => void;
}

export function SampleGallery({ samples, baseUrl, activeFile, onPick }: SampleGalleryProps) {
  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <h2 id="gallery-title">Samples with ground truth</h2>
      <div className="gallery-grid">
        {samples.map((s) => (
          <button
            key={s.file}
            type="button"
            className="gallery-item"
            data-testid={`sample-${s.label}`}
            aria-pressed={activeFile === s.file}
            onClick={() => onPick(s)}
            title={s.boxes?.length ? `${s.label} (with ground-truth box)` : s.label}
          >
            <img src={new URL(s.file, baseUrl).href} alt="" loading="lazy" decoding="async" />
            <span>{s.label}</span>
          </button>
        ))}
      </div>
    </section>
  );
}
