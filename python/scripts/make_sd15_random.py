"""A Stable Diffusion 1.5 folder (diffusers layout) with seeded RANDOM weights of the exact architecture.

No Stable Diffusion weights can be downloaded on the machine this project is built on, so the
full-size path (export sizes, loading a 1–2 GB pack in the browser, per-stage times and peak
memory) is measured on this stand-in: same configs as runwayml/stable-diffusion-v1-5 (UNet
860M parameters, CLIP ViT-L/14 text tower 123M, VAE 84M), same tokenizer files (CLIP's BPE
vocabulary, rebuilt from open_clip's copy), PyTorch's default initialisation. Its maps mean
nothing; its sizes and speeds are the real ones.

    .venv/bin/python python/scripts/make_sd15_random.py --out build/sd15-random-diffusers

Writes about 4.3 GB (fp32 .bin files) and peaks near 8 GB of RAM while saving the UNet.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

# Configs of runwayml/stable-diffusion-v1-5 (the v1-4 ones are identical for these fields).
UNET = dict(
    sample_size=64,
    in_channels=4,
    out_channels=4,
    center_input_sample=False,
    flip_sin_to_cos=True,
    freq_shift=0,
    down_block_types=["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
    up_block_types=["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
    block_out_channels=[320, 640, 1280, 1280],
    layers_per_block=2,
    downsample_padding=1,
    mid_block_scale_factor=1,
    act_fn="silu",
    norm_num_groups=32,
    norm_eps=1e-5,
    cross_attention_dim=768,
    attention_head_dim=8,
)
VAE = dict(
    in_channels=3,
    out_channels=3,
    down_block_types=["DownEncoderBlock2D"] * 4,
    up_block_types=["UpDecoderBlock2D"] * 4,
    block_out_channels=[128, 256, 512, 512],
    layers_per_block=2,
    act_fn="silu",
    latent_channels=4,
    norm_num_groups=32,
    sample_size=512,
)
CLIP_TEXT = dict(
    vocab_size=49408,
    hidden_size=768,
    intermediate_size=3072,
    num_hidden_layers=12,
    num_attention_heads=12,
    max_position_embeddings=77,
    hidden_act="quick_gelu",
    layer_norm_eps=1e-5,
    projection_dim=768,
    bos_token_id=0,
    eos_token_id=2,
    pad_token_id=1,
)
SCHEDULER = {
    "_class_name": "PNDMScheduler",
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
    "clip_sample": False,
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from wsolkit.sd.tokenizer import clip_bpe_files

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    cpu = {}
    for name, build in [
        ("text_encoder", lambda: CLIPTextModel(CLIPTextConfig(**CLIP_TEXT))),
        ("vae", lambda: AutoencoderKL(**VAE)),
        ("unet", lambda: UNet2DConditionModel(**UNET)),
    ]:
        t = time.process_time()
        torch.manual_seed(args.seed)
        model = build().eval()
        model.save_pretrained(out / name)
        params = sum(p.numel() for p in model.parameters())
        cpu[name] = {"parameters": params, "cpuSeconds": round(time.process_time() - t, 1)}
        print(f"{name}: {params / 1e6:.1f}M parameters, {cpu[name]['cpuSeconds']} CPU-s")
        del model
    # CLIP's vocab.json + merges.txt, what a diffusers SD folder's tokenizer/ holds.
    clip_bpe_files(out / "tokenizer")
    (out / "tokenizer/special_tokens_map.json").write_text(json.dumps(
        {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}) + "\n")
    (out / "tokenizer/tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "CLIPTokenizer", "model_max_length": 77, "do_lower_case": True}) + "\n")
    (out / "scheduler").mkdir(exist_ok=True)
    (out / "scheduler/scheduler_config.json").write_text(json.dumps(SCHEDULER, indent=2) + "\n")
    (out / "model_index.json").write_text(
        json.dumps(
            {
                "_class_name": "StableDiffusionPipeline",
                "scheduler": ["diffusers", "PNDMScheduler"],
                "text_encoder": ["transformers", "CLIPTextModel"],
                "tokenizer": ["transformers", "CLIPTokenizer"],
                "unet": ["diffusers", "UNet2DConditionModel"],
                "vae": ["diffusers", "AutoencoderKL"],
            },
            indent=2,
        )
        + "\n"
    )
    (out / "RANDOM_WEIGHTS.md").write_text(
        f"Random weights (seed {args.seed}) of Stable Diffusion 1.5's architecture, made by python/scripts/make_sd15_random.py.\n"
        f"Not a model: for measuring export sizes, load times, speed and memory only.\n\n```json\n{json.dumps(cpu, indent=2)}\n```\n"
    )


if __name__ == "__main__":
    main()
