/** A short explanation beside the tool. */
export function Explainer() {
  return (
    <section className="panel explainer" aria-labelledby="explainer-title">
      <h2 id="explainer-title">What am I looking at?</h2>
      <p>
        <strong>Weakly supervised object localisation</strong> finds <em>where</em> an object is, using a model trained only
        with image-level labels — no boxes. <strong>GenPromp</strong> (ICCV 2023) asks a diffusion model to denoise the image
        while prompted with the class, and reads the UNet’s <em>cross-attention</em> to the class token: pixels that attend
        to the word are the object.
      </p>
      <ul>
        <li>
          <strong>λ</strong> mixes the class’s plain word (discriminative, λ = 0) with a learned “representative” token
          (λ = 1), which tends to cover the whole object rather than its most telling part.
        </li>
        <li>
          <strong>Timesteps</strong> and <strong>resolutions</strong> choose which noise levels and UNet layers are averaged.
        </li>
        <li>
          The map is normalised to [0, 1]; pixels above <strong>τ</strong> form the box. With a ground-truth box, IoU ≥ 0.5
          counts as a correct localisation.
        </li>
      </ul>
    </section>
  );
}
