"""Stable Diffusion 1.x (diffusers 0.13.1 / transformers 4.29.2 modules) → a wsol-lab pack for GenPromp.

- attention.py: a plain matmul+softmax attention processor that also records attn2 maps;
- unet.py: the (truncated or full) UNet export wrapper and its attention-layer table;
- text_encoder.py, vae.py: export wrappers around CLIPTextModel and AutoencoderKL's encoder;
- tokenizer.py: SD's CLIP BPE tokenizer → tokenizer.json with the concept tokens added;
- classes.py: class lists and meta tokens (ImageNet rule, CUB "bird", a user list);
- checkpoint.py: GenPromp's release format (tokens/{id}.bin, unet/);
- reference.py: GenPromp inference on the unmodified diffusers modules (the parity reference);
- tiny.py: seeded tiny random models of the exact SD 1.x architecture (tests, sd-tiny-random);
- groupnorm.py: GroupNorm re-expressed with two-level means (onnxruntime's one-pass sums drift on big groups);
- onnx_io.py: ONNX export and saving with external-data shards under 2 GiB;
- classifier.py: the pack's CAM classifier (EfficientNet-Lite0, EfficientNet-B7 via timm, tiny random);
- export.py: `python -m wsolkit.sd.export`, the pack writer (docs/sd-export.md).
"""
