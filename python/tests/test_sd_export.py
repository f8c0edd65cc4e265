"""SD 1.x export (wsolkit.sd): ONNX graphs vs diffusers/transformers modules, pack maps vs the reference,
GenPromp's checkpoint format, token index 5 on the real CLIP vocabulary, the sd-tiny-random pack."""
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from conftest import ROOT, assert_golden_close

PACK = ROOT / "public/models/sd-tiny-random"
# fp32 onnxruntime vs torch CPU. Measured on the tiny models: text 1e-6, VAE moments 3e-6, attention maps 2e-6,
# noise_pred 1e-5, end-to-end map 3e-6 (before the two-level GroupNorm the VAE was 8e-4 off).
ATOL = 1e-4


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / f"python/scripts/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sd-tiny-random pack's source models (same seeds), its class list and concept rows."""
    torch.set_num_threads(1)
    b = _load("build_sd_tiny_random_pack")
    tmp = tmp_path_factory.mktemp("sd")
    vae, text, unet, folder, class_list, rows = b.models(tmp)
    return {"vae": vae, "text": text, "unet": unet, "folder": folder, "classes": class_list, "rows": rows, "tmp": tmp}


def _session(path):
    import onnxruntime as ort

    from wsolkit.evaluate.pack_runner import session_options

    return ort.InferenceSession(str(path), session_options(1), providers=["CPUExecutionProvider"])


def test_text_encoder_onnx_matches_clip_with_a_resized_table(built):
    from wsolkit.pack import PROMPT_TEMPLATES
    from wsolkit.sd import reference as ref
    from wsolkit.sd import tokenizer

    tokens = [c["conceptToken"] for c in built["classes"]]
    tok = ref.tokenizer_with_concepts(tokenizer.slow_tokenizer(built["folder"]), tokens)
    te = ref.text_encoder_with_rows(built["text"], tok, tokens, built["rows"])
    ids = tok([t.format(tokens[3]) for t in PROMPT_TEMPLATES], padding="max_length", max_length=77, return_tensors="pt").input_ids
    with torch.no_grad():
        want = te(ids)[0].numpy()  # GenPromp's way: the concept id's row in the resized table
    cid = tok.convert_tokens_to_ids(tokens[3])
    mask = (ids == cid).float()
    feeds = {"input_ids": torch.where(ids == cid, torch.full_like(ids, 49407), ids).numpy().astype(np.int32),
             "override_embeds": (mask[..., None] * torch.from_numpy(built["rows"][3])).numpy().astype(np.float32),
             "override_mask": mask.numpy()}
    (got,) = _session(PACK / "text_encoder.onnx").run(None, feeds)
    assert mask[:, 5].all() and mask.sum() == len(PROMPT_TEMPLATES)  # the concept token sits at index 5 in every template
    assert np.abs(got - want).max() <= ATOL


def test_vae_encoder_onnx_matches_autoencoderkl(built):
    from wsolkit.sd import reference as ref

    x = ref.image_input(ROOT / "public/samples-fixture/dog.png")
    with torch.no_grad():
        dist = built["vae"].encode(x).latent_dist
    mean, logvar = _session(PACK / "vae_encoder.onnx").run(None, {"image": x.numpy()})
    assert mean.shape == (1, 4, 64, 64)
    assert np.abs(mean - dist.mean.numpy()).max() <= ATOL and np.abs(logvar - dist.logvar.numpy()).max() <= ATOL


def _unet_inputs(seed=0, batch=2):
    g = torch.Generator().manual_seed(seed)
    tw = torch.zeros(batch, 77)
    tw[:, 5] = 1
    return (torch.randn(batch, 4, 64, 64, generator=g), torch.tensor([0.0, 99.0][:batch]), torch.randn(batch, 77, 8, generator=g), tw)


def _hooked_maps(unet, sample, t, ehs, token=5):
    """Reference: diffusers' full forward with the classic processor maths, head-mean at `token` → {module: [B, r·r]}."""
    from wsolkit.sd.reference import HookProcessor

    saved, store = unet.attn_processors, {}
    unet.set_attn_processor({n: HookProcessor(n.removesuffix(".processor"), store) for n in saved})
    try:
        with torch.no_grad():
            noise = unet(sample, t, ehs).sample
    finally:
        unet.set_attn_processor(dict(saved))
    b = sample.shape[0]
    return {n: p[:, :, token].reshape(b, h, -1).mean(dim=1).numpy() for n, (p, h) in store.items()}, noise.numpy()


def _module_name(output):
    kind, block, layer = output.split("_")[1:4]
    prefix = "mid_block" if kind == "mid" else f"{kind}_blocks.{block}"
    return f"{prefix}.attentions.{layer}.transformer_blocks.0.attn2"


def test_truncated_unet_onnx_matches_the_hooked_full_forward(built):
    m = json.loads((PACK / "manifest.json").read_text())
    assert [(a["resolution"], a["block"], a["blockIndex"], a["layer"]) for a in m["unetAttention"]] == [
        (16, "down", 2, 0), (16, "down", 2, 1), (8, "mid", 0, 0), (16, "up", 1, 0), (16, "up", 1, 1), (16, "up", 1, 2)]
    inputs = _unet_inputs()
    want, _ = _hooked_maps(built["unet"], *inputs[:3])
    sess = _session(PACK / "unet.onnx")
    got = dict(zip([o.name for o in sess.get_outputs()], sess.run(None, dict(zip(["sample", "timestep", "encoder_hidden_states", "token_weights"], [x.numpy() for x in inputs])))))
    assert set(got) == {a["output"] for a in m["unetAttention"]}
    for name, v in got.items():
        assert np.abs(v - want[_module_name(name)]).max() <= ATOL, name


def test_full_unet_and_all_tokens_exports(tmp_path):
    """The untruncated export (+ noise_pred, + --all-tokens' [B, r·r, 77] maps): its attention outputs equal the truncated
    wrapper's and the hooked diffusers forward's; noise_pred equals diffusers'. The export's time grows with the graph's
    node count, not the latent, so this uses a one-layer-per-block tiny UNet at a 32×32 latent (maps at 4×4 and 8×8)."""
    from wsolkit import pack
    from wsolkit.sd import onnx_io, tiny
    from wsolkit.sd.unet import UNetExport

    torch.set_num_threads(1)
    unet = tiny.tiny_unet(seed=7, sample_size=32, layers_per_block=1)
    g = torch.Generator().manual_seed(1)
    tw = torch.zeros(2, 77)
    tw[:, 5] = 1
    inputs = (torch.randn(2, 4, 32, 32, generator=g), torch.tensor([0.0, 99.0]), torch.randn(2, 77, 8, generator=g), tw)
    names = ["sample", "timestep", "encoder_hidden_states", "token_weights"]
    want, noise = _hooked_maps(unet, *inputs[:3])
    with torch.no_grad():
        trunc_wrapper = UNetExport(unet, 32)
        trunc = dict(zip(trunc_wrapper.output_names(), trunc_wrapper(*inputs)))
    assert [(a.kind, a.block, a.layer, a.resolution) for a in trunc_wrapper.layers] == [
        ("down", 2, 0, 8), ("mid", 0, 0, 4), ("up", 1, 0, 8), ("up", 1, 1, 8)]
    wrapper = UNetExport(unet, 32, full=True, all_tokens=True)
    free = lambda ns: [pack.tensor_spec(n, "float32", ["batch"]) for n in ns]  # only the names and the batch axis matter here
    onnx_io.export(wrapper, inputs, tmp_path / "full.onnx", free(names), free(wrapper.output_names()))
    full = dict(zip(wrapper.output_names(), _session(tmp_path / "full.onnx").run(None, dict(zip(names, [x.numpy() for x in inputs])))))
    for name, v in trunc.items():
        assert np.abs(full[name] - v.numpy()).max() <= ATOL, name
        assert np.abs(full[name] - want[_module_name(name)]).max() <= ATOL, name
        assert full[name + "_tokens"].shape == (2, v.shape[1], 77)
        assert np.abs(full[name + "_tokens"][:, :, 5] - full[name]).max() <= 1e-6, name
    assert np.abs(full["noise_pred"] - noise).max() <= ATOL


def test_pack_maps_equal_the_diffusers_reference(built):
    from wsolkit.evaluate.pack_runner import PackRunner
    from wsolkit.pack import PROMPT_TEMPLATES
    from wsolkit.sd import reference as ref
    from wsolkit.sd import tokenizer

    tokens = [c["conceptToken"] for c in built["classes"]]
    tok = ref.tokenizer_with_concepts(tokenizer.slow_tokenizer(built["folder"]), tokens)
    te = ref.text_encoder_with_rows(built["text"], tok, tokens, built["rows"])
    x = ref.image_input(ROOT / "public/samples-fixture/dog.png")
    k = 1
    want = ref.run(built["vae"], te, tok, built["unet"], x, built["classes"][k]["metaToken"], tokens[k], PROMPT_TEMPLATES)
    runner = PackRunner(PACK)
    got = runner.run(runner.load(ROOT / "public/samples-fixture/dog.png"), k)
    assert np.abs(got["latent"] - want["latent"].numpy()).max() <= ATOL
    for t in (0, 99):
        for name, v in got["maps"][t].items():
            assert np.abs(v - want["maps"][t][_module_name(name)]).max() <= ATOL, (t, name)
    assert np.abs(got["cam"] - want["cam"]).max() <= ATOL
    assert got["cam"].max() == 1.0 and np.abs(got["f_r"] - got["f_d"]).max() > 1e-3  # concept rows differ from the meta rows


def test_external_data_shards_load_and_stay_under_the_limit(built, tmp_path):
    from wsolkit.sd import onnx_io

    model = onnx.load(str(PACK / "unet.onnx"))
    shards = onnx_io.save(model, tmp_path / "unet.onnx", shard_bytes=100_000)
    assert len(shards) >= 2 and all(s.stat().st_size <= 100_000 for s in shards)
    assert {e.value for t in onnx.load(str(tmp_path / "unet.onnx"), load_external_data=False).graph.initializer
            for e in t.external_data if e.key == "location"} == {s.name for s in shards}
    onnx.checker.check_model(str(tmp_path / "unet.onnx"))
    feeds = dict(zip(["sample", "timestep", "encoder_hidden_states", "token_weights"], [x.numpy() for x in _unet_inputs()]))
    for a, b in zip(_session(PACK / "unet.onnx").run(None, feeds), _session(tmp_path / "unet.onnx").run(None, feeds)):
        np.testing.assert_array_equal(a, b)
    # fp16 and int8 from a sharded graph (the converter's shape inference cannot serialise a > 2 GB model: it reads the file)
    from wsolkit import quantize
    from wsolkit.sd.export import FP16_KEEP

    quantize.fp16(tmp_path / "unet.onnx", tmp_path / "unet.fp16.onnx", keep_fp32_ops=FP16_KEEP)
    quantize.int8_weights(tmp_path / "unet.onnx", tmp_path / "unet.int8.onnx", gather=True)
    assert not list(tmp_path.glob("*.inferred.onnx"))
    for name in ("unet.fp16.onnx", "unet.int8.onnx"):
        for a, b in zip(_session(PACK / name).run(None, feeds), _session(tmp_path / name).run(None, feeds)):
            assert np.abs(a - b).max() <= 1e-6, name


def test_genpromp_checkpoint_lands_in_the_pack(built, tmp_path):
    """A synthetic checkpoint in GenPromp's release format (tokens/{id}.bin = {"<imagenet-k>": row}, unet/ from
    save_pretrained) through the exporter CLI: rows at their classes, other rows = meta rows, the UNet is the checkpoint's."""
    from wsolkit.sd import tiny, tokenizer

    sd = tmp_path / "sd"
    built["vae"].save_pretrained(sd / "vae")
    built["text"].save_pretrained(sd / "text_encoder")
    built["unet"].save_pretrained(sd / "unet")
    tokenizer.clip_bpe_files(sd / "tokenizer")
    ck = tmp_path / "ckpt"
    (ck / "tokens").mkdir(parents=True)
    rng = np.random.default_rng(5)
    learned = {k: rng.standard_normal(8).astype(np.float32) for k in (0, 7, 999)}
    for k, row in learned.items():
        torch.save({f"<imagenet-{k}>": torch.from_numpy(row)}, ck / "tokens" / f"{49408 + k}.bin")
    other = tiny.tiny_unet(seed=42)
    other.save_pretrained(ck / "unet")
    out = tmp_path / "pack"
    r = subprocess.run([sys.executable, "-m", "wsolkit.sd.export", "--sd", str(sd), "--genpromp", str(ck), "--preset", "imagenet",
                        "--classifier", "lite0", "--out", str(out), "--variants", "fp32"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    m = json.loads((out / "manifest.json").read_text())
    rows = np.frombuffer((out / "concepts.f32").read_bytes(), "<f4").reshape(m["representativeEmbeddings"]["shape"])
    assert rows.shape == (1000, 8) and m["classes"][7]["conceptToken"] == "<imagenet-7>"
    for k, row in learned.items():
        np.testing.assert_array_equal(rows[k], row)
    slow = tokenizer.slow_tokenizer(sd / "tokenizer")
    table = built["text"].get_input_embeddings().weight.detach().numpy()
    np.testing.assert_array_equal(rows[1], table[slow.encode(m["classes"][1]["metaToken"], add_special_tokens=False)[0]])
    assert "3 of 1000 learned concept rows, finetuned UNet" in m["description"]
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in onnx.load(str(out / "unet.onnx")).graph.initializer}
    np.testing.assert_array_equal(inits["unet.conv_in.weight"], other.conv_in.weight.detach().numpy())
    assert not np.array_equal(inits["unet.conv_in.weight"], built["unet"].conv_in.weight.detach().numpy())
    assert m["classes"][0]["name"] == "n01440764" and m["genpromp"]["threshold"] == 0.25


def test_token_index_5_on_the_real_clip_vocabulary(tmp_path):
    """Every template × every ImageNet meta token (GenPromp's rule) and CUB's "bird": BOS at 0, the word one token at 5 —
    with transformers' CLIPTokenizer (GenPromp's) and with the converted tokenizer.json (the app's)."""
    from tokenizers import Tokenizer

    from wsolkit.pack import PROMPT_TEMPLATES
    from wsolkit.sd import classes, tokenizer

    folder = tokenizer.clip_bpe_files(tmp_path)[0].parent
    slow = tokenizer.slow_tokenizer(folder)
    assert len(slow) == 49408 and slow.convert_tokens_to_ids(["rendering</w>", "rendition</w>"]) != [slow.unk_token_id] * 2
    imagenet = classes.imagenet_classes(slow)
    words = sorted({c["metaToken"] for c in imagenet} | {"bird"})
    fast = Tokenizer.from_str(tokenizer.tokenizer_json(folder, []))
    bad = []
    for t in PROMPT_TEMPLATES:
        for w in words:
            ids = slow(t.format(w)).input_ids
            one = slow.encode(w, add_special_tokens=False)
            fast_ids = fast.encode(t.format(w), add_special_tokens=False).ids
            if not (ids[0] == 49406 and len(one) == 1 and ids[5] == one[0] and ids[6] == 49407 and fast_ids == ids[1:-1]):
                bad.append((t, w, ids))
    assert not bad, bad[:10]
    assert imagenet[0]["metaToken"] == "ch"  # "tench, Tinca tinca": neither is one token → "tench"'s last BPE piece


def test_clip_token_golden_regenerates():
    golden = _load("write_clip_token_golden").golden()
    assert golden == json.loads((ROOT / "fixtures/golden/clip-tokens.json").read_text())


def test_sd_tiny_random_pack_manifest():
    m = json.loads((PACK / "manifest.json").read_text())
    assert m["tokenizer"] == {**m["tokenizer"], "contextLength": 77, "bosId": 49406, "eosId": 49407, "padId": 49407}
    assert [c["conceptToken"] for c in m["classes"]] == [f"<class-{k}>" for k in range(5)]
    assert m["preprocess"]["size"] == [512, 512] and m["vae"]["latentSize"] == [64, 64] and m["vae"]["scalingFactor"] == 0.18215
    for role in ("vae_encoder", "text_encoder", "unet", "classifier"):
        v = {x["precision"]: x for x in m["models"][role]["variants"]}
        assert set(v) == {"fp32", "fp16", "int8"}
        assert v["fp16"]["requires"] == ["shader-f16"] and v["fp16"]["backends"] == ["webgpu"] and v["int8"]["backends"] == ["wasm"]
    assert "sd-tiny-random" not in (ROOT / "public/models/index.json").read_text()
    r = subprocess.run([sys.executable, "-m", "wsolkit.pack", "verify", str(PACK)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_sd_tiny_random_pack_rebuilds_byte_identically(tmp_path):
    r = subprocess.run([sys.executable, "-m", "wsolkit.pack", "rebuild", "sd-tiny-random", "--out", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]

    def digest(folder: Path):
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.name != "variants.json"}

    assert digest(tmp_path / "sd-tiny-random") == digest(PACK)
    assert_golden_close(json.loads((tmp_path / "sd-tiny-random/variants.json").read_text()), json.loads((PACK / "variants.json").read_text()))


def test_sd_tiny_golden_regenerates_and_the_pack_reproduces_it():
    from wsolkit.evaluate.pack_runner import PackRunner

    want = json.loads((ROOT / "fixtures/golden/genpromp-sd-tiny-random.json").read_text())
    assert_golden_close(_load("write_sd_tiny_golden").golden(), want)
    runner = PackRunner(PACK)
    got = runner.run(runner.load(ROOT / want["image"]), want["classIndex"], want["lambda"], want["timesteps"])
    assert np.abs(got["cam"].ravel() - np.array(want["cam"])).max() <= ATOL
    for t in want["timesteps"]:
        for name, v in want["maps"][str(t)].items():
            assert np.abs(got["maps"][t][name] - np.array(v)).max() <= ATOL, (t, name)


def test_cub_and_user_class_lists(tmp_path):
    from wsolkit.sd import classes

    unnamed, named = classes.cub_classes(None)
    assert not named and len(unnamed) == 200 and unnamed[199] == {"name": "cub-199", "displayName": "cub-199", "metaToken": "bird", "conceptToken": "<cub-199>"}
    (tmp_path / "classes.txt").write_text("".join(f"{k + 1} {k + 1:03d}.Black_footed_Albatross_{k}\n" for k in range(200)))
    cub, named = classes.cub_classes(tmp_path / "classes.txt")
    assert named and cub[0]["name"] == "001.Black_footed_Albatross_0" and cub[0]["displayName"] == "Black footed Albatross 0"
    assert {c["metaToken"] for c in cub} == {"bird"}
    (tmp_path / "mine.txt").write_text("# comment\nfire truck\ttruck\ndog\n\n")
    assert classes.user_classes(tmp_path / "mine.txt") == [
        {"name": "fire truck", "displayName": "fire truck", "metaToken": "truck", "conceptToken": "<class-0>"},
        {"name": "dog", "displayName": "dog", "metaToken": "dog", "conceptToken": "<class-1>"}]
