"""Shapes, attention readout and export of the miniature models."""
import onnx
import pytest
import torch

from wsolkit import pack
from wsolkit.models import VAE, Classifier, ClassifierConfig, TextEncoder, TextEncoderConfig, UNet, UNetConfig, VAEConfig


def tiny():
    torch.manual_seed(0)
    vae = VAE(VAEConfig(block_channels=(8, 16, 16), groups=4)).eval()
    text = TextEncoder(TextEncoderConfig(vocab_size=20, context_length=12, width=16, layers=1, heads=2, projection_dim=8)).eval()
    unet = UNet(UNetConfig(block_channels=(8, 16, 16), heads=2, cross_attention_dim=16, groups=4, sample_size=8)).eval()
    clf = Classifier(ClassifierConfig(num_classes=3, stage_channels=(4, 8), image_size=32)).eval()
    return vae, text, unet, clf


def test_unet_records_head_averaged_token_maps_at_three_resolutions():
    _, _, unet, _ = tiny()
    tw = torch.zeros(2, 12)
    tw[:, 5] = 1
    eps = unet(torch.randn(2, 4, 8, 8), torch.tensor([0.0, 99.0]), torch.randn(2, 12, 16), tw)
    assert eps.shape == (2, 4, 8, 8)
    layers = unet.attention_layers()
    assert {r for *_, r, _ in layers} == {8, 4, 2}
    assert [k for k, *_ in layers].count("mid") == 1
    for *_, r, attn in layers:
        assert attn.recorded.shape == (2, r * r)
        # one-hot token weights: each entry is a softmax probability
        assert (attn.recorded >= 0).all() and (attn.recorded <= 1).all()


def test_token_weights_select_tokens_linearly():
    _, _, unet, _ = tiny()
    x, t, ctx = torch.randn(1, 4, 8, 8), torch.tensor([10.0]), torch.randn(1, 12, 16)
    maps = []
    for pos in (3, 5):
        tw = torch.zeros(1, 12)
        tw[0, pos] = 1
        unet(x, t, ctx, tw)
        maps.append(unet.mid_attn.attn2.recorded.clone())
    tw = torch.zeros(1, 12)
    tw[0, 3] = tw[0, 5] = 1
    unet(x, t, ctx, tw)
    assert torch.allclose(unet.mid_attn.attn2.recorded, maps[0] + maps[1], atol=1e-6)


def test_text_encoder_override_replaces_the_row():
    _, text, _, _ = tiny()
    ids = torch.tensor([[0, 3, 4, 5, 1] + [1] * 7], dtype=torch.int32)
    row = text.token_embedding.weight[4].detach()
    mask = torch.zeros(1, 12)
    mask[0, 2] = 1
    embeds = torch.zeros(1, 12, 16)
    embeds[0, 2] = row
    ids2 = ids.clone()
    ids2[0, 2] = 1  # any id: the override wins
    assert torch.allclose(text(ids), text(ids2, embeds, mask), atol=1e-6)


def test_vae_and_classifier_shapes():
    vae, _, _, clf = tiny()
    mean, logvar = vae.encode(torch.randn(1, 3, 32, 32))
    assert mean.shape == logvar.shape == (1, 4, 8, 8)
    assert vae.decode(mean).shape == (1, 3, 32, 32)
    logits, feats = clf(torch.randn(2, 3, 32, 32))
    assert logits.shape == (2, 3) and feats.shape == (2, 8, 16, 16)


def test_export_writes_checked_graphs_with_manifest_names(tmp_path):
    vae, text, unet, clf = tiny()
    out = pack.export_models(tmp_path, vae, text, unet, clf, image_size=32, classifier_size=32, context_length=12)
    for role, entry in out["models"].items():
        model = onnx.load(str(tmp_path / entry["variants"][0]["path"]))
        assert [i.name for i in model.graph.input] == [s["name"] for s in entry["inputs"]], role
        assert [o.name for o in model.graph.output] == [s["name"] for s in entry["outputs"]], role
        assert len(entry["variants"][0]["sha256"]) == 64
    assert {a["resolution"] for a in out["unetAttention"]} == {8, 4, 2}


def test_export_rejects_mismatched_latent(tmp_path):
    vae, text, unet, clf = tiny()
    with pytest.raises(AssertionError, match="latent"):
        pack.export_models(tmp_path, vae, text, unet, clf, image_size=64, classifier_size=32, context_length=12)
