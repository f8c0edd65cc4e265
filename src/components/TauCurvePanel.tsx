/**
 * IoU against the map threshold τ for every method shown, on the current image: the curve,
 * the current τ (vertical line), each method's best τ (star), and per method the IoU at τ,
 * the BoxAcc hits at δ = 0.3 / 0.5 / 0.7 and TS-CAM's failure type.
 */
import { FAILURE_MEANING, type FailureType } from '@shared/metrics/failure';
import { BOX_ACC_DELTAS, type TauCurve } from '@shared/metrics/tauCurve';
import type { BoxMode, GtSource } from '../store/types';
import { LinePlot } from './plot/LinePlot';
import type { SeriesStyle } from './plot/palette';

export interface TauRow {
  method: string;
  label: string;
  /** A sanity baseline, not a method. */
  sanity: boolean;
  style: SeriesStyle;
  curve: TauCurve;
  /** IoU at the current τ (the live box's). */
  iou: number;
  failure: FailureType | null;
}

export interface TauCurvePanelProps {
  rows: readonly TauRow[];
  threshold: number;
  boxMode: BoxMode;
  gtSource: GtSource | null;
  hasImage: boolean;
}

const pct = (d: number) => Math.round(d * 100);

export function TauCurvePanel(p: TauCurvePanelProps) {
  const first = p.rows[0];
  return (
    <section className="panel tau-panel" aria-labelledby="tau-title" data-testid="tau-panel">
      <h2 id="tau-title">IoU against the threshold τ</h2>
      {!first ? (
        <p className="muted small" data-testid="tau-empty">
          {p.hasImage
            ? 'This image has no ground-truth box: draw one on the image (“Draw ground truth”) to score every method against it.'
            : 'Pick a sample or drop an image to see how the IoU changes with τ.'}
        </p>
      ) : (
        <>
          <p className="small muted">
            {p.gtSource === 'drawn' ? 'Against the box you drew' : "Against the sample's ground-truth box"} ·{' '}
            {p.boxMode === 'largest' ? 'V1: largest region’s box' : 'V2: every region’s box, best match'} · current τ{' '}
            {p.threshold.toFixed(2)} (line), best τ per method (★)
          </p>
          <LinePlot
            testId="tau-curve"
            x={first.curve.taus}
            series={p.rows.map((r) => ({ label: r.label, values: r.curve.ious, style: r.style, star: r.curve.bestIndex }))}
            xLabel="threshold τ"
            yLabel="IoU"
            xRange={[0, 1]}
            yRange={[0, 1]}
            xMarker={p.threshold}
            yGuides={BOX_ACC_DELTAS}
            height={220}
            ariaLabel={`IoU against τ for ${p.rows.map((r) => `${r.label} (best τ ${r.curve.taus[r.curve.bestIndex]!.toFixed(2)}, IoU ${r.curve.ious[r.curve.bestIndex]!.toFixed(2)})`).join(', ')}`}
          />
          <table className="tau-table small">
            <caption className="visually-hidden">Scores at the current τ, per method</caption>
            <thead>
              <tr>
                <th scope="col">Method</th>
                <th scope="col">IoU at τ</th>
                <th scope="col" title="BoxAcc for this image: is IoU ≥ δ at the current τ?">
                  IoU ≥ δ
                </th>
                <th scope="col" title="TS-CAM's error analysis of the box at the current τ">
                  Failure type
                </th>
                <th scope="col">Best τ</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={r.method} data-testid={`tau-row-${r.method}`}>
                  <th scope="row">
                    <span className={`series-swatch series-${r.style.index}`} aria-hidden="true" /> {r.label}
                    {r.sanity && <span className="chip chip-sanity">sanity</span>}
                  </th>
                  <td data-testid={`tau-iou-${r.method}`} data-iou={r.iou.toFixed(4)}>
                    {r.iou.toFixed(3)}
                  </td>
                  <td className="badges">
                    {BOX_ACC_DELTAS.map((d) => {
                      const hit = r.iou >= d;
                      return (
                        <span
                          key={d}
                          className={`badge-delta ${hit ? 'badge-hit' : 'badge-miss'}`}
                          data-testid={`boxacc-${r.method}-${pct(d)}`}
                          data-hit={String(hit)}
                          title={`IoU ${r.iou.toFixed(3)} ${hit ? '≥' : '<'} δ = ${d}`}
                        >
                          {d.toFixed(1)} {hit ? '✓' : '✗'}
                          <span className="visually-hidden">{hit ? ' hit' : ' miss'}</span>
                        </span>
                      );
                    })}
                  </td>
                  <td>
                    {r.failure && (
                      <span
                        className={`badge-failure failure-${r.failure === 'Correct' ? 'ok' : 'bad'}`}
                        data-testid={`failure-${r.method}`}
                        data-failure={r.failure}
                        title={FAILURE_MEANING[r.failure]}
                      >
                        {r.failure}
                      </span>
                    )}
                  </td>
                  <td
                    data-testid={`best-tau-${r.method}`}
                    data-tau={r.curve.taus[r.curve.bestIndex]!.toFixed(2)}
                    data-iou={r.curve.ious[r.curve.bestIndex]!.toFixed(4)}
                  >
                    {r.curve.taus[r.curve.bestIndex]!.toFixed(2)} ({r.curve.ious[r.curve.bestIndex]!.toFixed(2)})
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <details className="small">
        <summary>V1 or V2 box? And what the badges mean</summary>
        <p>
          <strong>V1</strong> (box mode “largest region”, as GenPromp and TS-CAM score): threshold the map, keep the largest connected
          region, take its bounding box. <strong>V2</strong> (box mode “all regions”, wsolevaluation’s MaxBoxAccV2): every region gets a box
          and the image counts the box that best matches the ground truth, so a map that splits the object into pieces is not punished for
          it.
        </p>
        <p>
          The curve sweeps τ from 0 to 0.99 in steps of 0.01, as wsolevaluation does, for this one image. A badge δ is ticked when IoU ≥ δ
          at the current τ; averaged over a dataset, that is BoxAcc(τ, δ), and MaxBoxAccV2 is the mean over δ = 0.3, 0.5, 0.7 of its best
          value over τ.
        </p>
        <p>
          Failure types (TS-CAM’s error analysis, the class taken as right): <strong>Correct</strong> IoU &gt; 0.5;{' '}
          <strong>Multi-instance</strong> {FAILURE_MEANING['Multi-instance']}; <strong>Part</strong> {FAILURE_MEANING.Part};{' '}
          <strong>More</strong> {FAILURE_MEANING.More}; <strong>Wrong</strong> otherwise.
        </p>
      </details>
    </section>
  );
}
