"""Every training stage runs 2 steps on tiny synthetic data into a temp dir (as diffusers tests its example scripts).

No art cache is needed: the test writes the training-composite cache (data/cache/train's npz)
and small val/test sets itself, and points wsolkit.paths at them. Each stage's final
checkpoint and JSON summary must exist and its model must load with load_model. The stages
run in file order, each reading the previous ones' checkpoints, as in docs/training-toyworld.md.
"""
import json

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from wsolkit import paths
from wsolkit.checkpoint import load_model

CLASSES = ["dog", "cat", "owl", "car", "bus", "airplane"]  # ≥ 5: the stages report top-5; owl and the vehicles exercise superclasses
SIZE = 128  # the stages' image size (the packs' preprocess size)


def _picture(ci: int, k: int) -> tuple[np.ndarray, list[int]]:
    """A class-coloured shape on a grey gradient, and its inclusive box."""
    rng = np.random.default_rng(100 * ci + k)
    img = Image.fromarray(np.linspace(90, 170, SIZE, dtype=np.uint8)[None, :, None].repeat(SIZE, 0).repeat(3, 2))
    x0, y0 = (int(v) for v in rng.integers(8, 56, 2))
    x1, y1 = x0 + 40 + 4 * ci, y0 + 48
    colour = tuple(int(c) for c in ((ci * 40) % 256, 255 - ci * 30, (ci * 90) % 256))
    (ImageDraw.Draw(img).ellipse if ci % 2 else ImageDraw.Draw(img).rectangle)([x0, y0, x1, y1], fill=colour)
    return np.asarray(img), [x0, y0, x1, y1]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    mp = pytest.MonkeyPatch()
    for name in ("STAGES", "TRAIN_CACHE", "EVAL_SETS", "RUNS"):
        mp.setattr(paths, name, root / name.lower())
    # The training cache as train_cache() names it for the stages' defaults (size 128, 20 000 composites, seed 0, procedural
    # backgrounds); train_cache returns what the file holds, here 3 images per class.
    images, labels = zip(*[(_picture(ci, k)[0], ci) for ci in range(len(CLASSES)) for k in range(3)])
    paths.TRAIN_CACHE.mkdir(parents=True)
    np.savez(paths.TRAIN_CACHE / "train-s128-n20000-seed0-procedural.npz", images=np.stack(images), labels=np.array(labels, np.int64),
             classes=np.array(CLASSES))
    for split in ("val", "test"):
        d = paths.EVAL_SETS / split
        (d / "images").mkdir(parents=True)
        entries = []
        for ci, cls in enumerate(CLASSES):
            for k in range(2):
                rgb, box = _picture(ci, 10 + k + (5 if split == "test" else 0))
                Image.fromarray(rgb).save(d / f"images/{cls}-{k}.png")
                entries.append({"file": f"images/{cls}-{k}.png", "cls": cls, "boxes": [box]})
        (d / "annotations.json").write_text(json.dumps({"classes": CLASSES, "images": entries}))
    _pairs()
    torch.set_num_threads(1)
    yield root
    mp.undo()


def _two_objects(a: int, b: int, k: int) -> tuple[np.ndarray, list[np.ndarray], list[list[int]]]:
    """Class a's shape on the left half, class b's on the right (each its own picture, squeezed)."""
    halves = [_picture(ci, k) for ci in (a, b)]
    rgb = np.concatenate([np.asarray(Image.fromarray(h[0]).resize((SIZE // 2, SIZE))) for h in halves], axis=1)
    boxes = [[h[1][0] // 2 + off, h[1][1], h[1][2] // 2 + off, h[1][3]] for h, off in zip(halves, (0, SIZE // 2))]
    masks = []
    for x0, y0, x1, y1 in boxes:
        m = np.zeros((SIZE, SIZE), np.uint8)
        m[y0 : y1 + 1, x0 : x1 + 1] = 255
        masks.append(m)
    return rgb, masks, boxes


def _pairs():
    """The two-class training cache (pair_cache's default name for the UNet stage) and a val-pairs set."""
    pairs = [(a, (a + 1) % len(CLASSES)) for a in range(len(CLASSES))]
    np.savez(paths.TRAIN_CACHE / "pairs-s128-n10000-seed0-procedural.npz", images=np.stack([_two_objects(a, b, 0)[0] for a, b in pairs]),
             labels=np.array(pairs, np.int64), classes=np.array(CLASSES))
    d = paths.EVAL_SETS / "val-pairs"
    (d / "images").mkdir(parents=True)
    (d / "masks").mkdir()
    entries = []
    for a, b in pairs:
        rgb, masks, boxes = _two_objects(a, b, 20)
        name = f"{CLASSES[a]}-{CLASSES[b]}"
        Image.fromarray(rgb).save(d / f"images/{name}.png")
        for j, m in enumerate(masks):
            Image.fromarray(m).save(d / f"masks/{name}_{j}.png")
        entries.append({"file": f"images/{name}.png", "objects": [{"cls": CLASSES[c], "box": boxes[j], "mask": f"masks/{name}_{j}.png"}
                                                                  for j, c in enumerate((a, b))]})
    (d / "annotations.json").write_text(json.dumps({"classes": CLASSES, "images": entries}))


def _run(module, *argv, run_dir=True):
    import importlib

    # LPCAM has no optimiser steps, so no run folder; a str names a second run of the module
    where = ["--run-dir", str(paths.RUNS / (run_dir if isinstance(run_dir, str) else module))] if run_dir else []
    importlib.import_module(f"wsolkit.train.{module}").main([*argv, "--threads", "1", *where])


def _summary(name: str) -> dict:
    assert (paths.STAGES / f"{name}.pt").exists()
    return json.loads((paths.STAGES / f"{name}.json").read_text())


def test_vae(world):
    _run("vae", "--steps", "2", "--batch", "2", "--crop", "32", "--channels", "8,8,8")
    assert _summary("vae")["steps"] == 2
    vae = load_model("vae", paths.STAGES / "vae.pt")
    assert vae.encode(torch.zeros(1, 3, SIZE, SIZE))[0].shape == (1, 4, SIZE // 4, SIZE // 4)


def test_text_encoder(world):
    _run("text_encoder", "--steps", "2", "--batch", "4", "--size", "32", "--width", "16", "--layers", "1")
    assert "val_zero_shot_top1" in _summary("text_encoder")
    assert load_model("text_encoder", paths.STAGES / "text_encoder.pt").cfg.width == 16
    assert (paths.STAGES / "tokenizer.json").exists()


def test_classifier(world):
    _run("classifier", "--steps", "2", "--batch", "4", "--channels", "8,8,8,8")
    assert {"val_top1", "test_top5"} <= _summary("classifier").keys()
    logits, _ = load_model("classifier", paths.STAGES / "classifier.pt")(torch.zeros(1, 3, SIZE, SIZE))
    assert logits.shape == (1, len(CLASSES))


def test_classifier_lite0(world):
    _run("classifier_lite0", "--steps", "2", "--batch", "2", "--train", "last1", "--eval-every", "1")
    summary = _summary("classifier_lite0")
    assert {"val_top1", "test_top5", "cpu_minutes"} <= summary.keys()
    assert 0 < summary["trained_parameters"] < 2e6  # the last block, the head convolution and the linear only
    model = load_model("classifier_lite0", paths.STAGES / "classifier_lite0.pt")
    logits, features = model(torch.zeros(1, 3, SIZE, SIZE))
    assert logits.shape == (1, len(CLASSES)) and features.shape == (1, 1280, SIZE // 16, SIZE // 16)
    assert (paths.RUNS / "classifier_lite0" / "last.pt").exists()
    # the frozen part did not move: the first block's weights are still ImageNet's
    from wsolkit.models.lite0 import weights_path
    w = torch.load(weights_path(), map_location="cpu")
    assert torch.equal(model.backbone._blocks[0]._depthwise_conv.weight, w["_blocks.0._depthwise_conv.weight"])
    assert not torch.equal(model.backbone._blocks[-1]._project_conv.weight, w["_blocks.15._project_conv.weight"])


def test_semantic_first_stage(world):
    """The classifier as the latent's encoder: whitened PCA channels, loaded through the VAE's slot."""
    out = paths.STAGES / "semantic.pt"
    _run("semantic", "--classifier", str(paths.STAGES / "classifier_lite0.pt"), "--images", "12", "--out", str(out), run_dir=False)
    assert 0 < json.loads(out.with_suffix(".json").read_text())["coarse_explained"] <= 1
    enc = load_model("vae", out)
    assert type(enc).__name__ == "SemanticEncoder" and enc.cfg.latent_channels == 16
    images = np.load(paths.TRAIN_CACHE / "train-s128-n20000-seed0-procedural.npz")["images"]
    mean, logvar = enc.encode(torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1)
    assert mean.shape == (len(images), 16, SIZE // 4, SIZE // 4) and float(logvar.max()) == -30.0
    # whitened on 12 of these 18 images: each channel's spread is of order 1, not the raw features' scale
    std = mean.transpose(0, 1).reshape(16, -1).std(1)
    assert bool(((std > 0.3) & (std < 3)).all()), std


def test_unet_on_semantic_latents(world, tmp_path):
    _run("unet", "--steps", "2", "--batch", "2", "--channels", "8,16,16", "--first-stage", str(paths.STAGES / "semantic.pt"),
         "--out", str(tmp_path / "unet-semantic.pt"), run_dir="unet-semantic")
    assert load_model("unet", tmp_path / "unet-semantic.pt").cfg.in_channels == 16


def test_unet(world):
    _run("unet", "--steps", "2", "--batch", "2", "--channels", "8,16,16")
    assert "monitor_val_gt_known" in _summary("unet")  # the training monitor ran on the (tiny) validation set
    assert load_model("unet", paths.STAGES / "unet.pt").cfg.cross_attention_dim == 16


def test_unet_pairs(world, tmp_path):
    """The binding recipe: half of each batch from two-class composites captioned with one object, and the selectivity monitors."""
    _run("unet", "--steps", "2", "--batch", "4", "--channels", "8,16,16", "--p-pair", "0.5", "--out", str(tmp_path / "unet-pairs.pt"),
         run_dir="unet-pairs")
    summary = json.loads((tmp_path / "unet-pairs.json").read_text())
    assert {"monitor_wrong_class_gt_known", "monitor_pair_selective", "monitor_pair_peak_own"} <= summary.keys()
    assert 0 <= summary["monitor_pair_selective"] <= 100


def test_unet_pairs_both_named(world, tmp_path):
    _run("unet", "--steps", "2", "--batch", "4", "--channels", "8,16,16", "--p-pair", "0.5", "--pair-caption", "both",
         "--out", str(tmp_path / "unet-both.pt"), run_dir="unet-both")
    assert "monitor_pair_selective" in json.loads((tmp_path / "unet-both.json").read_text())


def test_inversion(world):
    _run("inversion", "--steps-per-class", "2", "--batch", "2")
    assert "mean_final_loss" in _summary("concepts")
    ck = torch.load(paths.STAGES / "concepts.pt")
    assert ck["classes"] == CLASSES and ck["rows"].shape == (len(CLASSES), 16)


def test_finetune(world):
    _run("finetune", "--steps", "2", "--batch", "2")
    assert "monitor_val_gt_known" in _summary("unet_finetuned")
    base, tuned = load_model("unet", paths.STAGES / "unet.pt"), load_model("unet", paths.STAGES / "unet_finetuned.pt")
    assert any(not torch.equal(p, q) for p, q in zip(base.parameters(), tuned.parameters()))


def test_lpcam(world):
    _run("lpcam", "--k", "2", "--images-per-class", "2", "--out", str(paths.STAGES / "lpcam.pt"), run_dir=False)
    assert _summary("lpcam")["images"] == 2 * len(CLASSES)
    ck = torch.load(paths.STAGES / "lpcam.pt")
    assert ck["classes"] == CLASSES and len(ck["prototypes"]) == len(CLASSES)


def test_lpcam_on_lite0(world):
    _run("lpcam", "--k", "2", "--images-per-class", "2", "--classifier", "classifier_lite0", "--out", str(paths.STAGES / "lpcam_lite0.pt"), run_dir=False)
    ck = torch.load(paths.STAGES / "lpcam_lite0.pt")
    assert ck["classifier"] == "classifier_lite0" and np.asarray(ck["prototypes"][0]["class"]).shape[1] == 1280


def test_sat(world):
    _run("sat", "--steps", "2", "--batch", "2")
    assert {"val_gt_known", "test_top1"} <= _summary("sat").keys()
    sat = load_model("sat", paths.STAGES / "sat.pt")
    assert sat(torch.zeros(1, 3, SIZE, SIZE))[1].shape == (1, sat.cfg.sqa_blocks, sat.cfg.grid, sat.cfg.grid)
