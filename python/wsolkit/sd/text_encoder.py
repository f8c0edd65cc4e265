"""Text encoder export wrapper: transformers' CLIPTextModel with GenPromp's concept-row override.

ONNX I/O: input_ids int32 [B, 77], override_embeds float32 [B, 77, E], override_mask float32 [B, 77]
→ last_hidden_state [B, 77, D] (after CLIP's final LayerNorm; SD 1.x: E = D = 768).
Where override_mask is 1 the token's input embedding is replaced by override_embeds: the app
puts the learned concept row there (ids 49408+k have no row in SD's 49408-row table, and the
app does not resize it). The rest is CLIPTextTransformer.forward of transformers 4.29.2:
token + position embeddings, the encoder under a causal mask, the final LayerNorm.
"""
import torch
from torch import nn


class CLIPTextExport(nn.Module):
    def __init__(self, text_model):
        """text_model: a transformers CLIPTextModel."""
        super().__init__()
        self.t = text_model.text_model
        L = self.t.embeddings.position_embedding.num_embeddings
        # transformers builds this mask with torch.empty + fill + triu at every call; a fixed buffer exports cleanly.
        causal = torch.full((L, L), torch.finfo(torch.float32).min).triu(1)[None, None]  # [1, 1, L, L]
        self.register_buffer("causal", causal, persistent=False)

    def forward(self, input_ids, override_embeds, override_mask):
        b, L = input_ids.shape
        emb = self.t.embeddings
        x = emb.token_embedding(input_ids.long())  # [B, L, E]
        x = torch.where(override_mask[..., None] > 0.5, override_embeds, x)
        x = x + emb.position_embedding(emb.position_ids[:, :L])  # [B, L, E]
        mask = self.causal[:, :, :L, :L].expand(b, 1, L, L)
        x = self.t.encoder(inputs_embeds=x, attention_mask=None, causal_attention_mask=mask, return_dict=False)[0]
        return self.t.final_layer_norm(x)  # [B, L, D]
