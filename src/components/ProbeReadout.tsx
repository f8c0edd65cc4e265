/** One line under a map: the probe's raw and normalised values, and whether it is inside the GT and the predicted box. */
import type { ProbeReading } from '@shared/postprocess/probe';

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

/** `hint`: say how to probe while there is no reading (once, in the single view; not under every panel). */
export function ProbeReadout({ method, reading, hint }: { method: string; reading: ProbeReading | null; hint: boolean }) {
  return (
    <p
      className="small probe-readout"
      data-testid={`probe-${method}`}
      data-raw={reading ? reading.raw.toPrecision(6) : ''}
      data-normalised={reading ? reading.normalised.toFixed(4) : ''}
      data-in-gt={reading?.insideGt === null || !reading ? '' : String(reading.insideGt)}
      data-in-pred={reading ? String(reading.insidePred) : ''}
    >
      {reading ? (
        <>
          probe ({reading.x}, {reading.y}): raw <strong>{reading.raw.toPrecision(4)}</strong> · normalised{' '}
          <strong>{reading.normalised.toFixed(3)}</strong> · in GT box {reading.insideGt === null ? '—' : yesNo(reading.insideGt)} · in
          predicted box {yesNo(reading.insidePred)}
        </>
      ) : hint ? (
        <span className="muted">Hover the map (or focus it and use the arrow keys) to read its values.</span>
      ) : null}
    </p>
  );
}
