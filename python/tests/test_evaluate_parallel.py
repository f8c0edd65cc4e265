"""Pack evaluation over GenPromp's dataset layouts: the ONNX pack runner against the reference goldens, and
1 process vs 2 torchrun processes (accelerate inside, gloo) giving identical per-image records and metrics.

The pack is a parameter: WSOL_EVAL_PACKS="public/models/sd-tiny-random,public/models/fixture-tiny" (paths relative
to the repository or absolute) runs the process-count tests on those packs; default the tiny random Stable Diffusion
pack and the toy-world pack (the latter has baselines.cam, so CAM's path runs too).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from evalfolders import make_cub, make_imagenet

from conftest import ROOT
from wsolkit import genpromp as gp
from wsolkit.evaluate import datasets as ds
from wsolkit.evaluate.pack_eval import summarize, top5_of
from wsolkit.evaluate.pack_runner import PackRunner

PY = sys.executable
PACKS = [ROOT / p for p in os.environ.get("WSOL_EVAL_PACKS", "public/models/sd-tiny-random,public/models/toyworld").split(",")]
N_IMAGES = 12


def run_env(tmp: Path) -> dict:
    # HF_HOME in tmp: no user accelerate config is read; offline; one thread per process.
    return {**os.environ, "PYTHONPATH": str(ROOT / "python"), "HF_HOME": str(tmp / "hf"), "HF_HUB_OFFLINE": "1",
            "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}


def evaluate(tmp: Path, launcher: list[str], pack: Path, out: Path, *extra: str) -> dict:
    cmd = [*launcher, "-m", "wsolkit.evaluate", "--pack", str(pack), "--dataset", "imagenet", "--root", str(tmp / "imagenet"),
           "--out", str(out), "--no-progress", *extra]
    p = subprocess.run(["nice", *cmd], env=run_env(tmp), capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads((out / "report.json").read_text())


ONE = [PY]
# torch's launcher (what `accelerate launch --multi_gpu` runs); --standalone picks a free port. --redirects 1
# --tee 1 because Debian's torch 1.13 on Python 3.11 fails on the default "0" (see wsolkit/evaluate/parallel.py).
TWO = [PY, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", "--redirects", "1", "--tee", "1"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evalpar")
    n_classes = min(len(json.loads((p / "manifest.json").read_text())["classes"]) for p in PACKS)
    make_imagenet(tmp / "imagenet", N_IMAGES, min(n_classes, 6), seed=3)
    return tmp


def strip_run(report: dict) -> dict:
    return {k: v for k, v in report.items() if k != "run"}


@pytest.mark.parametrize("pack", PACKS, ids=[p.name for p in PACKS])
def test_one_and_two_processes_give_identical_results(folder, pack):
    one = evaluate(folder, ONE, pack, folder / f"{pack.name}-1")
    two = evaluate(folder, TWO, pack, folder / f"{pack.name}-2")
    assert one["run"]["processes"] == 1 and two["run"]["processes"] == 2
    parts = sorted(p.name for p in (folder / f"{pack.name}-2").glob("part-*.jsonl"))
    assert parts == ["part-0.jsonl", "part-1.jsonl"], "both ranks evaluated a shard"
    assert (folder / f"{pack.name}-1/per_image.jsonl").read_bytes() == (folder / f"{pack.name}-2/per_image.jsonl").read_bytes()
    assert strip_run(one) == strip_run(two)
    assert one["images"] == N_IMAGES
    records = [json.loads(line) for line in (folder / f"{pack.name}-1/per_image.jsonl").read_text().splitlines()]
    assert [r["index"] for r in records] == list(range(N_IMAGES))
    assert strip_run(one) == strip_run({"config": one["config"], **summarize(records), "run": None})
    if json.loads((pack / "manifest.json").read_text()).get("baselines"):
        assert "cam" in one and "cam" in records[0]


def test_a_resumed_run_with_another_process_count_gives_the_same_results(folder):
    pack = PACKS[0]
    full = evaluate(folder, ONE, pack, folder / "full")
    out = folder / "resumed"
    partial = evaluate(folder, ONE, pack, out, "--limit", "5")  # every k-th image: a partial run
    part = out / "part-0.jsonl"
    part.write_text(part.read_text() + '{"index": 99, "torn')  # killed mid-line
    resumed = evaluate(folder, TWO, pack, out)
    lines = [line for p in sorted(out.glob("part-*.jsonl")) for line in p.read_text().splitlines()]
    assert len(lines) == N_IMAGES + 1 and partial["images"] < N_IMAGES  # each image once, plus the torn line
    assert (out / "per_image.jsonl").read_bytes() == (folder / "full/per_image.jsonl").read_bytes()
    assert strip_run(resumed) == strip_run(full)
    p = subprocess.run([PY, "-m", "wsolkit.evaluate", "--pack", str(pack), "--dataset", "imagenet", "--root", str(folder / "imagenet"),
                        "--out", str(out), "--threshold", "0.5"], env=run_env(folder), capture_output=True, text=True)
    assert p.returncode != 0 and "other settings" in p.stderr


@pytest.mark.parametrize("golden", ["genpromp-fixture.json", "genpromp-toyworld.json"])
def test_pack_runner_maps_equal_the_reference_golden(golden):
    """The ONNX runner reproduces the PyTorch reference's goldens (the TS pipeline's parity target) to 1e-4."""
    g = json.loads((ROOT / "fixtures/golden" / golden).read_text())
    runner = PackRunner(ROOT / "public/models" / g["pack"])
    for case in g["cases"]:
        rgb = runner.load(ROOT / case["image"])
        probs, _ = runner.classify(rgb)
        assert top5_of(probs) == [t["index"] for t in case["top5"]]
        z = runner.latent(rgb)
        np.testing.assert_allclose(z.ravel(), case["latent"], atol=1e-4)
        for run in case["runs"]:
            for a in run["aggregates"]:
                cam = runner.genpromp_map(z, run["classIndex"], run["lambda"], a["timesteps"], a["resolutions"])
                np.testing.assert_allclose(cam.ravel(), a["map"], atol=1e-4)
                assert gp.localize(cam, runner.size, runner.g["threshold"], "largest") == a["boxesLargest"]


def check_diffusers_golden(golden: Path, pack: Path, root: Path) -> None:
    """A one-image golden of the diffusers reference (genpromp-sd-tiny-random.json's format: latent, f_d, f_r,
    per-timestep maps, the aggregated cam, boxesLargest) against the ONNX runner, to 1e-4."""
    g = json.loads(golden.read_text())
    runner = PackRunner(pack)
    z = runner.latent(runner.load(root / g["image"]))
    np.testing.assert_allclose(z.ravel(), g["latent"], atol=1e-4)
    f_d, f_r = runner.text(g["classIndex"])
    np.testing.assert_allclose(f_d.ravel(), g["f_d"], atol=1e-4)
    np.testing.assert_allclose(f_r.ravel(), g["f_r"], atol=1e-4)
    raw = runner.raw_maps(z, g["classIndex"], g["lambda"], g["timesteps"])
    for t, layers in g["maps"].items():
        for name, want in layers.items():
            np.testing.assert_allclose(raw[int(t)][name], want, atol=1e-4)
    cam = runner.genpromp_map(z, g["classIndex"], g["lambda"], g["timesteps"])
    np.testing.assert_allclose(cam.ravel(), g["cam"], atol=1e-4)
    assert gp.localize(cam, runner.size, g["threshold"], "largest") == g["boxesLargest"]


SD_GOLDEN = ROOT / "fixtures/golden/genpromp-sd-tiny-random.json"


def test_pack_runner_reproduces_the_diffusers_golden_on_sd_tiny_random():
    check_diffusers_golden(SD_GOLDEN, ROOT / "public/models/sd-tiny-random", ROOT)


def test_imagenet_and_cub_layouts_parse_as_genpromp_reads_them(tmp_path):
    make_imagenet(tmp_path / "in", 6, 6, seed=1)
    s = ds.imagenet(tmp_path / "in", 6)
    line = (tmp_path / "in/ILSVRC2012_list/val_folder_new.txt").read_text().splitlines()[2].split()
    assert s[2].key == line[0][:-5] and s[2].label == int(line[1]) and s[2].path.exists()
    assert s[2].boxes == [list(map(float, line[i : i + 4])) for i in range(2, len(line), 4)] and len(s[2].boxes) == 2
    make_cub(tmp_path / "cub", 6, 6, seed=1)
    c = ds.cub(tmp_path / "cub", 6)
    assert [x.key for x in c] == [x.split()[1] for x in (tmp_path / "cub/images.txt").read_text().splitlines()[::2]]  # ids 1, 3, 5
    x, y, w, h = map(float, (tmp_path / "cub/bounding_boxes.txt").read_text().splitlines()[0].split()[1:])
    assert c[0].boxes == [[x, y, x + w, y + h]] and c[0].path.exists()
    with pytest.raises(SystemExit, match="outside"):
        ds.imagenet(tmp_path / "in", 2)


def test_precomputed_scores_replace_the_classifier(folder, tmp_path):
    n = len(json.loads((PACKS[0] / "manifest.json").read_text())["classes"])
    samples = ds.imagenet(folder / "imagenet", n)
    scores = {s.key: {"pred_scores": [1.0 if c == s.label else 0.0 for c in range(n)]} for s in samples}
    (tmp_path / "scores.json").write_text(json.dumps(scores))
    r = evaluate(folder, ONE, PACKS[0], tmp_path / "out", "--scores", str(tmp_path / "scores.json"), "--eval-mode", "gtk")
    assert r["classification"]["top1"] == 100.0 and r["genpromp"]["top1_loc"] == r["genpromp"]["top5_loc"]


def test_an_unreadable_image_stops_every_rank_with_its_name_and_keeps_the_records(folder, tmp_path):
    import shutil

    root = tmp_path / "imagenet"
    shutil.copytree(folder / "imagenet", root)
    bad = (root / "ILSVRC2012_list/val_folder_new.txt").read_text().splitlines()[3].split()[0]
    (root / "val" / bad).write_text("not a JPEG")
    cmd = [*TWO, "-m", "wsolkit.evaluate", "--pack", str(PACKS[0]), "--dataset", "imagenet", "--root", str(root), "--out", str(tmp_path / "out"), "--no-progress"]
    p = subprocess.run(["nice", *cmd], env=run_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert p.returncode != 0 and f"image 3 ({root / 'val' / bad})" in p.stderr, p.stderr[-3000:]
    assert sum(len(f.read_text().splitlines()) for f in (tmp_path / "out").glob("part-*.jsonl")) >= 1
