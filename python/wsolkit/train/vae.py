"""Stage: the VAE (AutoencoderKL in miniature), 128² image ↔ 32×32×4 latent.

    cd python && ../.venv/bin/python -m wsolkit.train.vae [--steps 2500 --batch 16]

Trained on random 64² crops (as SD's VAE was trained on crops smaller than its use size).
Loss as the LDM autoencoder without its GAN and perceptual terms: L1 reconstruction
+ 1e-6·KL (both summed per image, as LDM). The final checkpoint carries the latent
scaling factor, measured as 1/std of posterior samples on training images (how
Stable Diffusion's 0.18215 was chosen).
"""
from __future__ import annotations

import argparse
from dataclasses import asdict

import torch

from .. import paths
from ..models import VAE, VAEConfig
from .data import eval_set, train_cache
from .harness import optimise, run_stage, stage_args, stage_config, write_result


def to_pm1(u8: torch.Tensor) -> torch.Tensor:
    return u8.float() / 127.5 - 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=128, help="image size (the pack's preprocess.size)")
    ap.add_argument("--crop", type=int, default=64, help="train on random crops (the VAE is convolutional; 4× cheaper than 128²)")
    ap.add_argument("--channels", type=str, default="16,32,64", help="block channels; 3 levels = downsample 4")
    ap.add_argument("--cache", type=int, default=20000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--kl", type=float, default=1e-6)
    stage_args(ap, "vae", paths.STAGES / "vae.pt")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    images, _, classes = train_cache(args.size, args.cache, 0)
    x_all = torch.from_numpy(images).permute(0, 3, 1, 2)
    val_x = to_pm1(eval_set("val", args.size, classes)[0][:64])
    cfg = VAEConfig(block_channels=tuple(int(c) for c in args.channels.split(",")))
    torch.manual_seed(args.seed)
    vae = VAE(cfg)
    opt = torch.optim.AdamW(vae.parameters(), lr=args.lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100))
    config = stage_config("vae", args, model=asdict(cfg))

    def train_step(step: int) -> float:
        idx = torch.randint(0, len(x_all), (args.batch,))
        ox, oy = torch.randint(0, args.size - args.crop + 1, (2,)).tolist()
        x = to_pm1(x_all[idx, :, oy : oy + args.crop, ox : ox + args.crop])
        flip = torch.rand(args.batch) < 0.5
        x[flip] = x[flip].flip(-1)
        mean, logvar = vae.encode(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        rec = vae.decode(z)
        l1 = (rec - x).abs().sum(dim=(1, 2, 3)).mean()
        kl = 0.5 * (mean**2 + logvar.exp() - 1 - logvar).sum(dim=(1, 2, 3)).mean()
        return optimise(opt, (l1 + args.kl * kl) / x[0].numel())  # per-pixel scale keeps the lr meaningful

    @torch.no_grad()
    def evaluate(step: int) -> dict:
        mean, _ = vae.encode(val_x)
        rec = vae.decode(mean).clamp(-1, 1)
        mse = ((rec - val_x) / 2).pow(2).mean().item()  # in [0, 1] units
        return {"val_psnr": round(-10 * torch.log10(torch.tensor(mse)).item(), 2)}

    result = run_stage("vae", args.run_dir, vae, opt, args.steps, train_step, config, args.seed, sched, evaluate, eval_every=500)
    with torch.no_grad():
        g = torch.Generator().manual_seed(1)
        idx = torch.randperm(len(x_all), generator=g)[:512]
        zs = []
        for i in range(0, len(idx), 64):  # 512 images, fewer in the tiny smoke test
            mean, logvar = vae.encode(to_pm1(x_all[idx[i : i + 64]]))
            zs.append(mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g))
        cfg.scaling_factor = round(1.0 / torch.cat(zs).std().item(), 5)
    write_result(args.out, {"config": asdict(cfg), "state": vae.state_dict(), "args": config}, result,
                 {**result.metrics, "scaling_factor": cfg.scaling_factor})


if __name__ == "__main__":
    main()
