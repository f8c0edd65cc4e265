/** Which backend runs the models, why, and the fallback reason if WebGPU was dropped. */
import type { DeviceInfo } from '@shared/api';

export interface BackendBadgeProps {
  device: DeviceInfo | null;
  status: 'starting' | 'ready' | 'failed';
  onRestart: () => void;
}

export function BackendBadge({ device, status, onRestart }: BackendBadgeProps) {
  const restart =
    status === 'failed' ? (
      <button type="button" className="link-button" onClick={onRestart}>
        restart the engine
      </button>
    ) : null;
  if (!device || status === 'failed') {
    return (
      <div className="backend" data-testid="backend-badge" data-backend={device?.backend ?? 'none'}>
        <span className={`badge badge-${status === 'failed' ? 'error' : 'idle'}`}>
          {status === 'failed' ? 'engine failed' : 'starting…'}
        </span>
        {restart}
      </div>
    );
  }
  const threads = device.backend === 'wasm' ? ` · ${device.wasmThreads} thread${device.wasmThreads === 1 ? '' : 's'}` : '';
  return (
    <div className="backend" data-testid="backend-badge" data-backend={device.backend} title={device.description}>
      <span className={`badge badge-${device.backend}`}>{device.backend === 'webgpu' ? 'WebGPU' : 'WASM'}</span>
      <span className="backend-desc">
        {device.description}
        {threads}
      </span>
      {device.fallbackReason && <span className="backend-fallback">Fallback: {device.fallbackReason}</span>}
    </div>
  );
}
