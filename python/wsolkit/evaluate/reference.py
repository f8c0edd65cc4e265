"""The reference model of a pack in PyTorch, batched, and the maps each method gives.

GenPromp's maps are numerically the per-image reference in wsolkit/genpromp.py; CAM,
LPCAM and SAT are wsolkit/baselines.py on the checkpoint's classifier and SAT.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .. import baselines as bl
from .. import genpromp as gp
from .. import noise as noise_mod
from .. import paths
from ..checkpoint import load_model
from ..localisation import Item, MapSet
from ..scheduler import alphas_cumprod


class Reference:
    """GenPromp inference over batches, numerically the per-image reference in genpromp.py."""

    def __init__(self, checkpoint: Path = paths.CHECKPOINT, pack_dir: Path = paths.PACK_DIR, classifier: Path | None = None,
                 lpcam: Path | None = None):
        """`classifier`: a classifier stage checkpoint (classifier or classifier_lite0) to use instead of the
        pack's, with its own input size and normalisation; `lpcam`: an LPCAM stage checkpoint for it."""
        from tokenizers import Tokenizer


        self.manifest = json.loads((pack_dir / "manifest.json").read_text())
        m = self.manifest
        ck = torch.load(checkpoint, map_location="cpu")
        self.vae, self.text, self.unet, self.classifier = (load_model(k, ck) for k in ("vae", "text_encoder", "unet", "classifier"))
        self.concept_rows = ck["concept_rows"].numpy()
        self.sat = load_model("sat", ck) if "sat" in ck["state"] else None
        self.lpcam_data = ck.get("lpcam")  # {"settings", "prototypes": [{"class": [n, K], "context": [m, K]}]}
        # The UNet before stage-2 finetuning, for the ablation.
        self.unet_base = load_model("unet", ck, entry="unet_base") if "unet_base" in ck["state"] else None
        tok = m["tokenizer"]
        self.spec = gp.TokenizerSpec(Tokenizer.from_file(str(pack_dir / tok["file"]["path"])), tok["contextLength"], tok["bosId"], tok["eosId"], tok["padId"])
        self.classes = [c["name"] for c in m["classes"]]
        self.meta = [c["metaToken"] for c in m["classes"]]
        self.concepts = [c["conceptToken"] for c in m["classes"]]
        self.settings = m["genpromp"]
        self.size = m["preprocess"]["size"][0]
        self.clf_size = m["classifierPreprocess"]["size"][0]
        self.clf_mean, self.clf_std = m["classifierPreprocess"]["mean"], m["classifierPreprocess"]["std"]
        # SAT's own input where the pack names one (SAT trained on another normalisation than the classifier's).
        sp = m.get("satPreprocess", m["classifierPreprocess"])
        self.sat_size, self.sat_mean, self.sat_std = sp["size"][0], sp["mean"], sp["std"]
        self.scaling = m["vae"]["scalingFactor"]
        self.latent_hw = tuple(m["vae"]["latentSize"])
        self.layers = [(a["output"], a["block"], a["resolution"]) for a in m["unetAttention"]]
        self.templates = m["promptTemplates"]
        self.acp = alphas_cumprod(m["scheduler"]["betaStart"], m["scheduler"]["betaEnd"], m["scheduler"]["numTrainTimesteps"])
        self._text_cache: dict = {}
        self.classifier_name = "pack"
        if classifier is not None:
            clf = torch.load(classifier, map_location="cpu")
            if clf["classes"] != self.classes:
                raise SystemExit(f"{classifier}: its classes differ from the pack's")
            kind = "classifier_lite0" if "last_stride" in clf["config"] else "classifier"
            self.classifier = load_model(kind, clf)
            self.clf_size, self.clf_mean, self.clf_std = clf["config"]["image_size"], list(clf["mean"]), list(clf["std"])
            self.classifier_name = Path(classifier).stem
            self.lpcam_data = None  # the pack's prototypes belong to the pack's classifier
        if lpcam is not None:
            lp = torch.load(lpcam, map_location="cpu")
            self.lpcam_data = {"settings": lp["settings"], "prototypes": lp["prototypes"]}

    # --- per-image inputs
    def model_input(self, items: list[Item]) -> torch.Tensor:
        return torch.cat([gp.to_model_input(gp.resize_pil_bicubic(it.rgb, (self.size, self.size))) for it in items])

    def classifier_input(self, items: list[Item]) -> torch.Tensor:
        """The classifier's input [B, 3, s, s], normalised."""
        return normalised_input(items, self.clf_size, self.clf_mean, self.clf_std)

    def sat_input(self, items: list[Item]) -> torch.Tensor:
        """SAT's input [B, 3, s, s], normalised (the classifier's unless the pack says otherwise)."""
        return normalised_input(items, self.sat_size, self.sat_mean, self.sat_std)

    @torch.no_grad()
    def logits(self, items: list[Item]) -> torch.Tensor:
        return self.classifier(self.classifier_input(items))[0]

    @torch.no_grad()
    def features(self, items: list[Item]) -> np.ndarray:
        """The classifier's last feature map [B, K, h, w] (CAM and LPCAM)."""
        return self.classifier(self.classifier_input(items))[1].numpy()

    def cam(self, items: list[Item], class_idx: list[int], relu=True) -> list[np.ndarray]:
        """CAM (baselines.cam): ReLU(mean_k w_ck·f_k) → [h, w] per item."""
        w = self.classifier.head.weight.detach().numpy()
        return [bl.cam(f, w, c, relu) for f, c in zip(self.features(items), class_idx)]

    def lpcam(self, items: list[Item], class_idx: list[int], subtract_context=True) -> list[np.ndarray]:
        if self.lpcam_data is None:
            raise SystemExit("the checkpoint has no LPCAM prototypes: run `python -m wsolkit.train.lpcam` and rebuild the pack")
        protos = self.lpcam_data["prototypes"]
        return [bl.lpcam(f, np.asarray(protos[c]["class"]), np.asarray(protos[c]["context"]), subtract_context)
                for f, c in zip(self.features(items), class_idx)]

    @torch.no_grad()
    def sat_outputs(self, items: list[Item]) -> tuple[torch.Tensor, np.ndarray]:
        """SAT's (logits [B, C], block maps [B, n_blocks, g, g])."""
        if self.sat is None:
            raise SystemExit("the checkpoint has no SAT: run `python -m wsolkit.train.sat` and rebuild the pack")
        logits, maps = self.sat(self.sat_input(items))
        return logits, maps.numpy()

    @torch.no_grad()
    def latents(self, x: torch.Tensor) -> np.ndarray:
        """Posterior sample with the pack's seeded ε (the same for every image, as the app) × scaling."""
        mean, logvar = self.vae.encode(x)
        mean, logvar = mean.numpy(), logvar.numpy()
        if self.settings["latentSampling"] == "mean":
            z = mean
        else:
            eps = noise_mod.gaussian(noise_mod.posterior_seed(self.settings["noiseSeed"]), mean[0].size).reshape(mean.shape[1:])
            z = mean + np.exp(np.float32(0.5) * logvar) * eps[None]
        return (z * np.float32(self.scaling)).astype(np.float32)

    def text_states(self, ensemble=True) -> tuple[torch.Tensor, torch.Tensor]:
        """(f_d, f_r) for every class → [C, L, D] each; ensemble=False uses the first template only."""
        if ensemble not in self._text_cache:
            templates = self.templates if ensemble else self.templates[:1]
            fd, fr = zip(*[gp.text_embeddings(self.text, self.spec, templates, self.meta[i], self.concepts[i], self.concept_rows[i]) for i in range(len(self.classes))])
            self._text_cache[ensemble] = (torch.cat(fd), torch.cat(fr))
        return self._text_cache[ensemble]

    def raw_maps(self, z: np.ndarray, cond: torch.Tensor, timesteps, unet=None) -> dict:
        """→ {t: {output: float32 [B, r²]}}: class-token attention of every attn2 layer."""
        return gp.attention_maps_batch(unet or self.unet, z, timesteps, cond, self.settings["tokenPosition"], self.settings["noiseSeed"], self.acp)



def normalised_input(items: list[Item], size: int, mean, std) -> torch.Tensor:
    return torch.cat([gp.to_classifier_input(gp.resize_pil_bicubic(it.rgb, (size, size)), mean, std) for it in items])


def aggregate_one(raw: dict, i: int, timesteps, resolutions, ref: Reference) -> np.ndarray:
    return gp.aggregate({t: {n: v[i] for n, v in raw[t].items()} for t in timesteps}, timesteps, resolutions, ref.layers, ref.latent_hw)



def batches(items, n=64):
    for i in range(0, len(items), n):
        yield items[i : i + n]


def classify(ref: Reference, items) -> tuple[list[list[int]], dict]:
    logits = torch.cat([ref.logits(b) for b in batches(items)])
    top5 = logits.topk(5, dim=1).indices.tolist()
    gt = [ref.classes.index(it.cls) for it in items]
    return top5, {"top1": round(100 * np.mean([t[0] == g for t, g in zip(top5, gt)]), 2),
                  "top5": round(100 * np.mean([g in t for t, g in zip(top5, gt)]), 2), "images": len(items)}


def genpromp_raw(ref: Reference, items, lam: float, timesteps, unet=None, ensemble=True, log=print) -> dict:
    """Raw GT-class attention maps for every item: {t: {output: [N, r²]}}."""
    f_d, f_r = ref.text_states(ensemble)
    out: dict = {t: {} for t in timesteps}
    for b in batches(items):
        gt = torch.tensor([ref.classes.index(it.cls) for it in b])
        cond = gp.mix(f_d[gt], f_r[gt], lam)
        raw = ref.raw_maps(ref.latents(ref.model_input(b)), cond, timesteps, unet)
        for t in timesteps:
            for n, v in raw[t].items():
                out[t].setdefault(n, []).append(v)
    return {t: {n: np.concatenate(v) for n, v in d.items()} for t, d in out.items()}


def genpromp_maps(ref: Reference, raw: dict, n: int, timesteps, resolutions, name: str) -> MapSet:
    return MapSet(name, [aggregate_one(raw, i, timesteps, resolutions, ref) for i in range(n)])


def cam_maps(ref: Reference, items, relu=True) -> MapSet:
    maps = []
    for b in batches(items):
        maps += ref.cam(b, [ref.classes.index(it.cls) for it in b], relu)
    return MapSet("CAM", maps)


def lpcam_maps(ref: Reference, items, subtract_context=True) -> MapSet:
    maps = []
    for b in batches(items):
        maps += ref.lpcam(b, [ref.classes.index(it.cls) for it in b], subtract_context)
    return MapSet("LPCAM", maps)


def sat_block_maps(ref: Reference, items) -> tuple[np.ndarray, list[list[int]]]:
    """SAT's block maps [N, n_blocks, g, g] and its own top-5 for every item."""
    maps, top5 = [], []
    for b in batches(items):
        logits, m = ref.sat_outputs(b)
        maps.append(m)
        top5 += logits.topk(5, dim=1).indices.tolist()
    return np.concatenate(maps), top5

