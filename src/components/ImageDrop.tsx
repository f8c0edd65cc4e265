/** Drop zone + file picker. Paste is handled app-wide (see App). */
import { useRef, useState, type DragEvent } from 'react';

export interface ImageDropProps {
  busy: boolean;
  imageName: string | null;
  onFiles: (files: FileList | null) => void;
}

export function ImageDrop({ busy, imageName, onFiles }: ImageDropProps) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    onFiles(e.dataTransfer.files);
  };

  return (
    <div
      className={`drop${over ? ' drop-over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p>
        <strong>Drop an image here</strong>, paste one (Ctrl/⌘+V), or{' '}
        <button type="button" className="link-button" onClick={() => input.current?.click()}>
          choose a file
        </button>
      </p>
      <p className="muted small">{busy ? 'Opening…' : imageName ? `Current: ${imageName}` : 'PNG, JPEG, GIF, WebP, BMP, AVIF or SVG'}</p>
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        accept="image/*,.svg"
        data-testid="file-input"
        onChange={(e) => {
          onFiles(e.currentTarget.files);
          e.currentTarget.value = ''; // picking the same file again still fires
        }}
      />
    </div>
  );
}
