"""A pack's ONNX models run with onnxruntime exactly as the app's GenPromp pipeline runs them.

What the app computes for one image (workers/pipelines/genpromp/pipeline.ts), restated:
- image: alpha composited on the pack's background, PIL bicubic straight to preprocess.size,
  x/127.5 − 1 (RGB, NCHW);
- latent: vae_encoder → (latent_mean, latent_logvar); with latentSampling "sample",
  z = (mean + exp(½·logvar)·ε_post) · scalingFactor, ε_post the seeded Gaussian of
  posterior_seed(noiseSeed) — the same tensor for every image, so a map is a function of the
  image alone (GenPromp draws fresh noise per batch instead; the app keeps it deterministic);
- text: per class, the prompt templates with the meta token (f_d) and with the concept token
  (f_r); the concept token's id is replaced by pad and its learned input-embedding row is
  injected through override_embeds/override_mask; last_hidden_state averaged over templates;
- f = λ·f_r + (1 − λ)·f_d;
- UNet: one batch with one row per timestep t: sample = √ᾱ_t·z + √(1−ᾱ_t)·ε_diff (ε_diff the
  seeded Gaussian of diffusion_seed(noiseSeed), reused for every t), timestep t,
  encoder_hidden_states f, token_weights one-hot at genpromp.tokenPosition; every output named
  in unetAttention is a head-averaged class-token map [batch, r²];
- aggregation (wsolkit/genpromp.py `aggregate`): per (resolution, block) group the mean over
  timesteps and layers, cv2 bicubic to the latent size, mean over groups, ÷ max.

Images run one at a time (batch = the timesteps, as the app), so a map never depends on which
other images share a batch, a process or a machine.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .. import baselines as bl
from .. import genpromp as gp
from .. import noise as noise_mod
from ..scheduler import add_noise, alphas_cumprod


def session_options(threads: int = 1):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.log_severity_level = 3
    so.use_deterministic_compute = True  # same floats in every process and run (matters on CUDA)
    return so


def providers(device: str, device_id: int = 0) -> list:
    """onnxruntime providers for "cpu" or "cuda" (CUDA EP on `device_id`, CPU for unsupported nodes).
    cuDNN's heuristic algorithm choice, not a timed search, so every process picks the same kernels."""
    if device == "cuda":
        return [("CUDAExecutionProvider", {"device_id": device_id, "cudnn_conv_algo_search": "HEURISTIC"}), "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def cuda_available() -> bool:
    import onnxruntime as ort

    return "CUDAExecutionProvider" in ort.get_available_providers()


class PackRunner:
    """One pack folder (manifest.json + ONNX models), run the way the app runs it."""

    def __init__(self, pack_dir: Path, device: str = "cpu", device_id: int = 0, threads: int = 1, precision: str = "fp32"):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.pack_dir = Path(pack_dir)
        self.manifest = m = json.loads((self.pack_dir / "manifest.json").read_text())
        if "genpromp" not in m:
            raise SystemExit(f"{pack_dir}: a classifier-only pack (no genpromp section); GenPromp needs a diffusion pack")
        so, prov = session_options(threads), providers(device, device_id)

        def session(role):
            variants = m["models"][role]["variants"]
            v = next((v for v in variants if v["precision"] == precision), None)
            if v is None:
                raise SystemExit(f"{pack_dir}: model {role} has no {precision} variant (has {[x['precision'] for x in variants]})")
            return ort.InferenceSession(str(self.pack_dir / v["path"]), so, providers=prov)

        self.sessions = {role: session(role) for role in ("classifier", "vae_encoder", "text_encoder", "unet")}
        if device == "cuda" and "CUDAExecutionProvider" not in self.sessions["unet"].get_providers():
            raise SystemExit("onnxruntime could not start its CUDA execution provider (onnxruntime-gpu, CUDA/cuDNN libraries, a GPU?); use --device cpu")
        self.classes = [c["name"] for c in m["classes"]]
        self.g = m["genpromp"]
        self.size = tuple(m["preprocess"]["size"])
        self.background = tuple(m["preprocess"].get("alphaBackground", (255, 255, 255)))
        cp = m["classifierPreprocess"]
        self.clf_size, self.clf_mean, self.clf_std = tuple(cp["size"]), cp["mean"], cp["std"]
        tok = m["tokenizer"]
        self.spec = gp.TokenizerSpec(Tokenizer.from_file(str(self.pack_dir / tok["file"]["path"])), tok["contextLength"], tok["bosId"], tok["eosId"], tok["padId"])
        re = m["representativeEmbeddings"]
        self.concept_rows = np.fromfile(self.pack_dir / re["path"], dtype="<f4").reshape(re["shape"])
        s = m["scheduler"]
        self.acp = alphas_cumprod(s["betaStart"], s["betaEnd"], s["numTrainTimesteps"], s["betaSchedule"])
        self.latent_channels = m["vae"]["latentChannels"]
        self.latent_hw = tuple(m["vae"]["latentSize"])
        self.scaling = np.float32(m["vae"]["scalingFactor"])
        self.layers = [(a["output"], a["block"], a["resolution"]) for a in m["unetAttention"]]
        self.attention_outputs = [a["output"] for a in m["unetAttention"]]
        n_latent = self.latent_channels * self.latent_hw[0] * self.latent_hw[1]
        shape = (self.latent_channels, *self.latent_hw)
        self.eps_posterior = noise_mod.gaussian(noise_mod.posterior_seed(self.g["noiseSeed"]), n_latent).reshape(shape)
        self.eps_diffusion = noise_mod.gaussian(noise_mod.diffusion_seed(self.g["noiseSeed"]), n_latent).reshape(shape)
        cam = (m.get("baselines") or {}).get("cam")
        self.cam_feature = cam["featureOutput"] if cam else None
        self.cam_head = np.fromfile(self.pack_dir / cam["head"]["path"], dtype="<f4").reshape(cam["head"]["shape"]) if cam else None
        self._text: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    # ------------------------------------------------------------ per image
    def load(self, path: Path) -> np.ndarray:
        """uint8 [H, W, 3]: decoded, alpha composited on the pack's background."""
        return gp.composite(gp.load_rgba(path), self.background)

    def classify(self, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(softmax probabilities [C], CAM features [K, h, w] or None)."""
        x = gp.to_classifier_input(gp.resize_pil_bicubic(rgb, self.clf_size), self.clf_mean, self.clf_std).numpy()
        names = ["logits"] + ([self.cam_feature] if self.cam_feature else [])
        out = self.sessions["classifier"].run(names, {"image": x})
        logits = out[0][0].astype(np.float64)
        p = np.exp(logits - logits.max())
        return (p / p.sum()).astype(np.float32), (out[1][0] if self.cam_feature else None)

    def latent(self, rgb: np.ndarray) -> np.ndarray:
        """Scaled latent [C, h, w] (posterior sample with the pack's seeded ε, or the mean)."""
        x = gp.to_model_input(gp.resize_pil_bicubic(rgb, self.size)).numpy()
        mean, logvar = self.sessions["vae_encoder"].run(["latent_mean", "latent_logvar"], {"image": x})
        mean, logvar = mean[0], logvar[0]
        if self.g["latentSampling"] == "mean":
            return (mean * self.scaling).astype(np.float32)
        sigma = np.exp(np.float32(0.5) * logvar).astype(np.float32)
        return ((mean + sigma * self.eps_posterior).astype(np.float32) * self.scaling).astype(np.float32)

    # ------------------------------------------------------------ per class
    def text(self, cls: int) -> tuple[np.ndarray, np.ndarray]:
        """(f_d, f_r) [L, D] for a class: last_hidden_state averaged over the templates (cached)."""
        if cls in self._text:
            return self._text[cls]
        m, spec = self.manifest, self.spec
        c = m["classes"][cls]
        templates = m["promptTemplates"]
        T, L, E = len(templates), spec.context_length, self.concept_rows.shape[1]
        concept_id = spec.tokenizer.token_to_id(c["conceptToken"])
        if concept_id is None:
            raise SystemExit(f"the tokenizer has no token {c['conceptToken']!r} for class {c['name']}")
        ids_d = np.array([gp.encode_prompt(spec, t.replace("{}", c["metaToken"])) for t in templates], np.int32)
        ids_r = np.array([gp.encode_prompt(spec, t.replace("{}", c["conceptToken"])) for t in templates], np.int32)
        mask = (ids_r == concept_id).astype(np.float32)
        ids_r[ids_r == concept_id] = spec.pad_id
        embeds = mask[..., None] * self.concept_rows[cls][None, None, :]

        def run(ids, emb, msk):
            h = self.sessions["text_encoder"].run(["last_hidden_state"], {"input_ids": ids, "override_embeds": emb.astype(np.float32), "override_mask": msk})[0]
            acc = h[0].copy()
            for b in range(1, T):  # sequential float32 sums, as the app's meanOverBatch
                acc += h[b]
            return acc / np.float32(T)

        f_d = run(ids_d, np.zeros((T, L, E), np.float32), np.zeros((T, L), np.float32))
        f_r = run(ids_r, embeds, mask)
        self._text[cls] = (f_d, f_r)
        return f_d, f_r

    # ------------------------------------------------------------ maps
    def raw_maps(self, z: np.ndarray, cls: int, lam: float | None = None, timesteps=None) -> dict:
        """{t: {output: float32 [r²]}}: the class token's attention of every unetAttention output."""
        lam = self.g["lambda"] if lam is None else lam
        timesteps = list(self.g["timesteps"] if timesteps is None else timesteps)
        f_d, f_r = self.text(cls)
        f = gp.mix(f_d, f_r, lam).astype(np.float32)
        n, L = len(timesteps), self.spec.context_length
        sample = np.stack([add_noise(z, self.eps_diffusion, t, self.acp) for t in timesteps]).astype(np.float32)
        tw = np.zeros((n, L), np.float32)
        tw[:, self.g["tokenPosition"]] = 1.0
        out = self.sessions["unet"].run(self.attention_outputs, {
            "sample": sample, "timestep": np.array(timesteps, np.float32),
            "encoder_hidden_states": np.broadcast_to(f, (n, *f.shape)).copy(), "token_weights": tw})
        return {t: {name: o[b] for name, o in zip(self.attention_outputs, out)} for b, t in enumerate(timesteps)}

    def genpromp_map(self, z: np.ndarray, cls: int, lam: float | None = None, timesteps=None, resolutions=None) -> np.ndarray:
        """GenPromp's map [h, w] at the latent size (÷ max), the pack's λ, timesteps and resolutions by default."""
        timesteps = list(self.g["timesteps"] if timesteps is None else timesteps)
        resolutions = list(self.g["resolutions"] if resolutions is None else resolutions)
        return gp.aggregate(self.raw_maps(z, cls, lam, timesteps), timesteps, resolutions, self.layers, self.latent_hw)

    def run(self, rgb: np.ndarray, cls: int, lam: float | None = None, timesteps=None) -> dict:
        """One image, one class → latent, f_d, f_r, raw maps and GenPromp's map (the exporter's end-to-end check)."""
        timesteps = list(self.g["timesteps"] if timesteps is None else timesteps)
        z = self.latent(rgb)
        f_d, f_r = self.text(cls)
        maps = self.raw_maps(z, cls, lam, timesteps)
        cam = gp.aggregate(maps, timesteps, list(self.g["resolutions"]), self.layers, self.latent_hw)
        return {"latent": z, "f_d": f_d, "f_r": f_r, "maps": maps, "cam": cam}

    def cam_map(self, features: np.ndarray, cls: int) -> np.ndarray:
        """CAM as the app draws it: ReLU(mean_k w_ck·f_k) [h, w] (wsolkit/baselines.py)."""
        return bl.cam(features, self.cam_head, cls)
