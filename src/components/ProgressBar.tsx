/** One labelled progress bar; bytes are shown exactly as reported. */
import { formatBytes, formatDuration, formatRate } from '@shared/formatBytes';

export { formatBytes };

export interface ProgressBarProps {
  label: string;
  done: number;
  total: number;
  unit: 'bytes' | 'steps';
  text?: string;
  /** Downloads: the current rate and the time left at it. */
  rate?: { bytesPerSecond: number; etaSeconds: number };
}

export function ProgressBar({ label, done, total, unit, text, rate }: ProgressBarProps) {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const amount = unit === 'bytes' ? `${formatBytes(done)} / ${formatBytes(total)}` : `${done} / ${total}`;
  return (
    <div className="progress" data-done={done} data-total={total}>
      <div className="progress-head">
        <span className="progress-label">{label}</span>
        <span
          className="progress-amount"
          title={unit === 'bytes' ? `${done.toLocaleString()} of ${total.toLocaleString()} bytes` : undefined}
        >
          {amount} ({(frac * 100).toFixed(0)}%)
        </span>
      </div>
      <progress value={done} max={total > 0 ? total : 1} aria-label={label} />
      {text && <div className="progress-text">{text}</div>}
      {rate && (
        <div className="progress-text" data-testid="download-rate">
          {formatRate(rate.bytesPerSecond)} · about {formatDuration(rate.etaSeconds)} left
        </div>
      )}
    </div>
  );
}
