"""The app's GenPromp pipeline (workers/pipelines/genpromp/pipeline.ts) in Python over a pack's ONNX files.

Used to check an exported pack end to end against reference.py: tokenizer.json (the
`tokenizers` package, as @huggingface/tokenizers in the app), the text encoder with the
concept row injected through override_embeds/override_mask, the VAE encoder's moments
sampled with the seeded ε, add_noise at each timestep, the UNet's attention outputs,
genpromp.aggregate.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from tokenizers import Tokenizer

from .. import genpromp as gp
from .. import noise as noise_mod
from ..scheduler import add_noise, alphas_cumprod


def session(path: Path) -> ort.InferenceSession:
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), o, providers=["CPUExecutionProvider"])


class PackRunner:
    def __init__(self, folder: Path, precision: str = "fp32"):
        self.folder = folder
        self.m = json.loads((folder / "manifest.json").read_text())
        pick = lambda role: next(v["path"] for v in self.m["models"][role]["variants"] if v["precision"] == precision)
        self.vae, self.text, self.unet = (session(folder / pick(r)) for r in ("vae_encoder", "text_encoder", "unet"))
        t = self.m["tokenizer"]
        self.spec = gp.TokenizerSpec(Tokenizer.from_file(str(folder / t["file"]["path"])), t["contextLength"], t["bosId"], t["eosId"], t["padId"])
        r = self.m["representativeEmbeddings"]
        self.rows = np.frombuffer((folder / r["path"]).read_bytes(), "<f4").reshape(r["shape"])
        s = self.m["scheduler"]
        self.acp = alphas_cumprod(s["betaStart"], s["betaEnd"], s["numTrainTimesteps"], s["betaSchedule"])
        self.layers = [(a["output"], a["block"], a["resolution"]) for a in self.m["unetAttention"]]

    def _text(self, ids, rows=None, mask=None):
        T, L = ids.shape
        E = self.m["textEncoder"]["embedDim"]
        feeds = {"input_ids": ids.numpy().astype(np.int32),
                 "override_embeds": np.zeros((T, L, E), np.float32) if rows is None else rows.numpy().astype(np.float32),
                 "override_mask": np.zeros((T, L), np.float32) if mask is None else mask.numpy().astype(np.float32)}
        return torch.from_numpy(self.text.run(None, feeds)[0])

    def text_embeddings(self, class_index: int):
        c = self.m["classes"][class_index]
        return gp.text_embeddings(self._text, self.spec, self.m["promptTemplates"], c["metaToken"], c["conceptToken"], self.rows[class_index])

    def latent(self, x: torch.Tensor) -> np.ndarray:
        mean, logvar = self.vae.run(None, {"image": x.numpy()})
        g = self.m["genpromp"]
        eps = noise_mod.gaussian(noise_mod.posterior_seed(g["noiseSeed"]), mean.size).reshape(mean.shape)
        return ((mean + np.exp(np.float32(0.5) * logvar) * eps) * np.float32(self.m["vae"]["scalingFactor"])).astype(np.float32)

    def maps(self, z: np.ndarray, f: torch.Tensor, timesteps) -> dict:
        """{t: {output: [r·r]}}, one batched UNet run as the app."""
        g = self.m["genpromp"]
        eps = noise_mod.gaussian(noise_mod.diffusion_seed(g["noiseSeed"]), z[0].size).reshape(z.shape[1:])
        n, L = len(timesteps), f.shape[1]
        tw = np.zeros((n, L), np.float32)
        tw[:, g["tokenPosition"]] = 1
        feeds = {"sample": np.concatenate([add_noise(z[0], eps, t, self.acp)[None] for t in timesteps]),
                 "timestep": np.array(timesteps, np.float32),
                 "encoder_hidden_states": np.repeat(f.numpy().astype(np.float32), n, axis=0), "token_weights": tw}
        names = [o.name for o in self.unet.get_outputs()]
        out = dict(zip(names, self.unet.run(None, feeds)))
        return {t: {name: out[name][b] for name, _, _ in self.layers} for b, t in enumerate(timesteps)}

    def run(self, x: torch.Tensor, class_index: int, lam: float = 0.6, timesteps=(0, 99)) -> dict:
        z = self.latent(x)
        f_d, f_r = self.text_embeddings(class_index)
        maps = self.maps(z, gp.mix(f_d, f_r, lam), list(timesteps))
        cam = gp.aggregate(maps, list(timesteps), self.m["genpromp"]["resolutions"], self.layers, tuple(self.m["vae"]["latentSize"]))
        return {"latent": z, "f_d": f_d, "f_r": f_r, "maps": maps, "cam": cam}
