"""Seeded tiny random models with the exact Stable Diffusion 1.x architecture (small widths).

- UNet2DConditionModel: down = 3×CrossAttnDownBlock2D + DownBlock2D, up = UpBlock2D +
  3×CrossAttnUpBlock2D, layers_per_block 2 (so down_blocks[2] has 2 attentions and
  up_blocks[1] 3, as SD), a 64×64 latent;
- CLIPTextModel: the real 49,408-token vocabulary and 77 positions, quick-GELU, a small hidden size;
- AutoencoderKL: 4 encoder/decoder blocks (×8 down: 512² → 64²), 4 latent channels.
"""
import torch

TEXT_HIDDEN = 8
VOCAB = 49408
CONTEXT = 77


def tiny_text_encoder(seed: int = 0, hidden: int = TEXT_HIDDEN):
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(seed)
    cfg = CLIPTextConfig(vocab_size=VOCAB, hidden_size=hidden, intermediate_size=2 * hidden, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=CONTEXT, hidden_act="quick_gelu",
                         projection_dim=hidden, bos_token_id=49406, eos_token_id=49407, pad_token_id=49407)
    return CLIPTextModel(cfg).eval()


def tiny_unet(seed: int = 0, cross_attention_dim: int = TEXT_HIDDEN, sample_size: int = 64, layers_per_block: int = 2):
    from diffusers import UNet2DConditionModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        sample_size=sample_size, in_channels=4, out_channels=4, layers_per_block=layers_per_block,
        block_out_channels=(8, 16, 16, 16), norm_num_groups=4, attention_head_dim=2, cross_attention_dim=cross_attention_dim,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
    )
    # Random init leaves the attention weights tiny and the maps near-uniform; scaled q/k give maps with structure.
    with torch.no_grad():
        for name, p in unet.named_parameters():
            if name.endswith(("attn2.to_q.weight", "attn2.to_k.weight")):
                p.mul_(4.0)
    return unet.eval()


def tiny_vae(seed: int = 0):
    from diffusers import AutoencoderKL

    torch.manual_seed(seed)
    return AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=4,
        block_out_channels=(4, 8, 8, 8), sample_size=512,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
    ).eval()
