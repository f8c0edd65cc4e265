/** A short explanation beside the tool. */
export function Explainer() {
  return (
    <section className="panel explainer" aria-labelledby="explainer-title">
      <h2 id="explainer-title">What am I looking at?</h2>
      <p>
        <strong>Weakly supervised object localisation</strong> finds <em>where</em> an object is, using a model trained only with
        image-level labels — no boxes. <strong>GenPromp</strong> (ICCV 2023) asks a diffusion model to denoise the image while prompted with
        the class, and reads the UNet’s <em>cross-attention</em> to the class token: pixels that attend to the word are the object.
      </p>
      <ul>
        <li>
          <strong>λ</strong> mixes the class’s plain word (discriminative, λ = 0) with a learned “representative” token (λ = 1), which tends
          to cover the whole object rather than its most telling part.
        </li>
        <li>
          <strong>Timesteps</strong> and <strong>resolutions</strong> choose which noise levels and UNet layers are averaged.
        </li>
        <li>
          <strong>Baselines</strong> (Method → All four): <strong>CAM</strong> weights the classifier’s last feature map by the class’s
          weights and often lights only the most telling part; <strong>LPCAM</strong> compares every position with local prototypes of the
          class (and subtracts context prototypes) to reach the less telling parts; <strong>SAT</strong> is a ViT whose extra spatial token
          learns where the object is, whatever the class.
        </li>
        <li>
          The map is normalised to [0, 1]; pixels above <strong>τ</strong> form the box. With a ground-truth box, IoU ≥ 0.5 counts as a
          correct localisation.
        </li>
      </ul>
    </section>
  );
}
