"""Does a UNet's class-token attention read the class? Slot-key spread across classes per attn2, and how object-pixel queries rank the true class's slot key.

    cd python && ../.venv/bin/python scripts/unet_binding_probe.py checkpoints/toyworld/unet.pt

(docs/results-toyworld.md: "Experiment: two-class captions"; 40 val images, t = 99, noise seed 0.)
"""
import sys
from pathlib import Path

import numpy as np
import torch

from wsolkit import genpromp as gp
from wsolkit.checkpoint import load_stage
from wsolkit.localisation import toyworld_split
from wsolkit.pack import PROMPT_TEMPLATES
from wsolkit.scheduler import alphas_cumprod
from wsolkit.train import text as words

torch.set_num_threads(1)
text, _ = load_stage("text_encoder")
unet, _ = load_stage("unet", Path(sys.argv[1]))
spec = words.build_spec()
classes = list(words.CLASS_NAMES)
states = []
with torch.no_grad():
    for c in classes:
        row = text.token_embedding.weight[spec.tokenizer.token_to_id(c)]
        f_d, _ = gp.text_embeddings(text, spec, PROMPT_TEMPLATES, c, words.concept_token(c), row)
        states.append(f_d[0])  # [L, D]
S = torch.stack(states)  # [C, L, D]
print("text states at slot 5: mean cos between classes", float((torch.nn.functional.normalize(S[:, 5], dim=-1) @ torch.nn.functional.normalize(S[:, 5], dim=-1).T).fill_diagonal_(float('nan')).nanmean()))
for name, _k, _b, l, attn in unet.attention_layers():
    with torch.no_grad():
        K = attn.to_k(S)  # [C, L, dim]
        h = attn.heads
        d = K.shape[-1] // h
        Kh = K.reshape(len(classes), -1, h, d)  # [C, L, h, d]
        slot = Kh[:, 5]  # [C, h, d]
        mean_slot = slot.mean(0, keepdim=True)
        common = float(mean_slot.norm(dim=-1).mean())
        spread = float((slot - mean_slot).norm(dim=-1).mean())
        cos = torch.nn.functional.normalize(slot.permute(1, 0, 2), dim=-1)
        cc = (cos @ cos.transpose(1, 2))  # [h, C, C]
        off = cc[:, ~torch.eye(len(classes), dtype=bool)].mean()
        print(f"layer {name} res {l}: slot-key cos between classes {float(off):.3f}; |common| {common:.2f} vs |class-specific| {spread:.2f}")

# Object-pixel queries: logits against every class's slot key vs the other tokens' keys
vae, vck = load_stage("vae")
items = toyworld_split("val", classes)[::10][:40]
x = torch.cat([gp.to_model_input(gp.resize_pil_bicubic(it.rgb, (128, 128))) for it in items])
with torch.no_grad():
    z = vae.encode(x)[0] * vck["config"]["scaling_factor"]
qs = {}
def hook(name):
    def f(mod, inp, out):
        qs[name] = out.detach()
    return f
layers = unet.attention_layers()
hs = [x[4].to_q.register_forward_hook(hook(i)) for i, x in enumerate(layers)]
acp = torch.from_numpy(alphas_cumprod()).float()
t = 99
g = torch.Generator().manual_seed(0)
noise = torch.randn(z.shape, generator=g)
zt = acp[t].sqrt() * z + (1 - acp[t]).sqrt() * noise
own = torch.tensor([classes.index(it.cls) for it in items])
with torch.no_grad():
    unet(zt, torch.full((len(items),), float(t)), S[own])
for h_ in hs:
    h_.remove()
for i, (name, _k, _b, l, attn) in enumerate(layers):
    q = qs[i]  # [B, N, dim]
    B, N, dim = q.shape
    h = attn.heads
    d = dim // h
    r = int(N ** 0.5)
    with torch.no_grad():
        K = attn.to_k(S)  # [C, L, dim]
    ranks, margins, pslot_true, pslot_wrong = [], [], [], []
    for bi, it in enumerate(items):
        # object pixels = inside the GT box at this resolution
        H, W = it.rgb.shape[:2]
        x0, y0, x1, y1 = it.boxes[0]
        mask = torch.zeros(r, r, dtype=bool)
        mask[int(y0 / H * r):int(y1 / H * r) + 1, int(x0 / W * r):int(x1 / W * r) + 1] = True
        qo = q[bi].reshape(r, r, h, d)[mask]  # [P, h, d]
        slot_logits = torch.einsum("phd,chd->pch", qo, K[:, 5].reshape(-1, h, d)) * d ** -0.5  # [P, C, h]
        s = slot_logits.mean((0, 2))  # [C]
        ranks.append(int((s > s[own[bi]]).sum()))
        margins.append(float(s[own[bi]] - s[torch.arange(len(classes)) != own[bi]].mean()))
        # P(slot) with the true caption vs a wrong one (other tokens' keys from each caption)
        for cc, store in ((int(own[bi]), pslot_true), (int((own[bi] + 7) % len(classes)), pslot_wrong)):
            lg = torch.einsum("phd,lhd->plh", qo, K[cc].reshape(-1, h, d)) * d ** -0.5
            store.append(float(torch.softmax(lg, dim=1)[:, 5].mean()))
    print(f"layer {name} res {l}: true slot key rank among 30 (0 best) mean {np.mean(ranks):.1f}; true-minus-mean-wrong logit {np.mean(margins):.2f}; P(slot) object pixels true {np.mean(pslot_true):.3f} wrong {np.mean(pslot_wrong):.3f}")
