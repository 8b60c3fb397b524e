#!/usr/bin/python3
"""PyTorch peers of `npm run bench:engine -- --family <name>`: each family's model as engine/models computes it.

Sizes, batch and dropout come from the command line (bench/family-models.ts passes them), so both sides train the
same model; the parameter count is printed so the caller can check that they match. The layouts follow the HF /
timm modules the engine's checkpoints map to (src/engine/models/README.md), written out here because the engine
splits q, k, v and CaiT has talking heads and class attention, which torch.nn does not have:
  bert / roberta  post-LN encoder, erf GELU, MLM head (dense, GELU, LN, decoder tied to the token embedding + bias)
                  scored at a fixed random 15 % of the positions;
  gpt2            pre-LN decoder, causal mask, tanh GELU, final LN, LM head tied to the token embedding, every
                  position predicts the next token;
  vit / deit      patch embedding (conv k = s = p), [CLS (, DIST), patches] + positions, pre-LN blocks, final LN,
                  classifier on CLS (DeiT: mean of the CLS and DIST heads' losses, as the engine trains it);
  cait            patches + positions, LayerScale pre-LN blocks with talking heads, 2 class-attention blocks on
                  [CLS; patches], final LN, classifier on CLS.
Cross-entropy against random targets (text) or labels (vision), Adam (lr 1e-3). Prints one JSON line:
{"family", "threads", "ms_per_step" (median), "items_per_s", "parameters", "first_loss", "final_loss", "torch"}.

Run with Debian's interpreter (python3-torch): /usr/bin/python3 bench/torch_peer_families.py --family gpt2 ...
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    """Multi-head attention with separate q, k, v projections (the engine's layout). talking: CaiT's head-mixing
    maps before and after the softmax; cls_only: CaiT class attention (the query is the first token only)."""

    def __init__(self, hidden, heads, dropout, causal=False, talking=False, cls_only=False):
        super().__init__()
        self.heads, self.causal, self.cls_only = heads, causal, cls_only
        self.q, self.k, self.v, self.out = (nn.Linear(hidden, hidden) for _ in range(4))
        self.talk_pre = nn.Linear(heads, heads) if talking else None
        self.talk_post = nn.Linear(heads, heads) if talking else None
        self.drop = nn.Dropout(dropout)

    def split(self, x):  # [B, T, H] -> [B, A, T, d]
        b, t, h = x.shape
        return x.view(b, t, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x):
        b, t, h = x.shape
        query = x[:, :1] if self.cls_only else x
        q, k, v = self.split(self.q(query)), self.split(self.k(x)), self.split(self.v(x))
        scores = q @ k.transpose(-2, -1) / math.sqrt(h // self.heads)  # [B, A, Tq, Tk]
        if self.causal:
            mask = torch.ones(t, t, dtype=torch.bool).triu(1)
            scores = scores.masked_fill(mask, -1e9)
        if self.talk_pre is not None:
            scores = self.talk_pre(scores.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        probs = scores.softmax(-1)
        if self.talk_post is not None:
            probs = self.talk_post(probs.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        context = (self.drop(probs) @ v).transpose(1, 2).reshape(b, query.shape[1], h)
        return self.out(context)


class Mlp(nn.Module):
    def __init__(self, hidden, ffn, approximate="none"):
        super().__init__()
        self.up, self.down, self.approximate = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden), approximate

    def forward(self, x):
        return self.down(F.gelu(self.up(x), approximate=self.approximate))


class Block(nn.Module):
    """post_ln: BERT (x = LN(x + f(x))); otherwise pre-LN (x += γ·f(LN(x))), γ = LayerScale for CaiT, else 1."""

    def __init__(self, a, eps, post_ln=False, causal=False, talking=False, layer_scale=None, approximate="none"):
        super().__init__()
        self.post_ln = post_ln
        self.attn_norm, self.mlp_norm = nn.LayerNorm(a.hidden, eps=eps), nn.LayerNorm(a.hidden, eps=eps)
        self.attn = Attention(a.hidden, a.heads, a.dropout, causal=causal, talking=talking)
        self.mlp = Mlp(a.hidden, a.ffn, approximate)
        self.drop = nn.Dropout(a.dropout)
        self.attn_scale = nn.Parameter(torch.full((a.hidden,), layer_scale)) if layer_scale else None
        self.mlp_scale = nn.Parameter(torch.full((a.hidden,), layer_scale)) if layer_scale else None

    def forward(self, x):
        if self.post_ln:
            x = self.attn_norm(x + self.drop(self.attn(x)))
            return self.mlp_norm(x + self.drop(self.mlp(x)))
        attended, transformed = self.drop(self.attn(self.attn_norm(x))), None
        x = x + (attended if self.attn_scale is None else self.attn_scale * attended)
        transformed = self.drop(self.mlp(self.mlp_norm(x)))
        return x + (transformed if self.mlp_scale is None else self.mlp_scale * transformed)


class ClassAttentionBlock(nn.Module):
    """CaiT: cls += γ1·ClassAttn(LN1([cls; patches])); cls += γ2·MLP(LN2(cls))."""

    def __init__(self, a, eps, layer_scale):
        super().__init__()
        self.attn_norm, self.mlp_norm = nn.LayerNorm(a.hidden, eps=eps), nn.LayerNorm(a.hidden, eps=eps)
        self.attn = Attention(a.hidden, a.heads, a.dropout, cls_only=True)
        self.mlp = Mlp(a.hidden, a.ffn)
        self.attn_scale = nn.Parameter(torch.full((a.hidden,), layer_scale))
        self.mlp_scale = nn.Parameter(torch.full((a.hidden,), layer_scale))

    def forward(self, cls, patches):
        cls = cls + self.attn_scale * self.attn(self.attn_norm(torch.cat([cls, patches], 1)))
        return cls + self.mlp_scale * self.mlp(self.mlp_norm(cls))


class Encoder(nn.Module):
    """BERT / RoBERTa with the MLM head; RoBERTa's positions start after its padding index (1)."""

    def __init__(self, a):
        super().__init__()
        self.position_offset = 2 if a.family == "roberta" else 0
        self.tok, self.pos = nn.Embedding(a.vocab, a.hidden), nn.Embedding(a.positions, a.hidden)
        self.typ = nn.Embedding(1 if a.family == "roberta" else 2, a.hidden)
        self.norm, self.drop = nn.LayerNorm(a.hidden, eps=a.eps), nn.Dropout(a.dropout)
        self.blocks = nn.ModuleList(Block(a, a.eps, post_ln=True) for _ in range(a.layers))
        self.dense, self.head_norm = nn.Linear(a.hidden, a.hidden), nn.LayerNorm(a.hidden, eps=a.eps)
        self.bias = nn.Parameter(torch.zeros(a.vocab))

    def forward(self, ids, rows):
        b, t = ids.shape
        positions = torch.arange(self.position_offset, t + self.position_offset).unsqueeze(0).expand(b, t)
        x = self.drop(self.norm(self.tok(ids) + self.pos(positions) + self.typ(torch.zeros_like(ids))))
        for block in self.blocks:
            x = block(x)
        x = x.reshape(b * t, -1)[rows]
        return self.head_norm(F.gelu(self.dense(x))) @ self.tok.weight.t() + self.bias  # tied decoder


class Decoder(nn.Module):
    """GPT-2: logits [B, T, V] with the LM head tied to the token embedding."""

    def __init__(self, a):
        super().__init__()
        self.tok, self.pos = nn.Embedding(a.vocab, a.hidden), nn.Embedding(a.positions, a.hidden)
        self.drop = nn.Dropout(a.dropout)
        self.blocks = nn.ModuleList(Block(a, a.eps, causal=True, approximate="tanh") for _ in range(a.layers))
        self.final_norm = nn.LayerNorm(a.hidden, eps=a.eps)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.drop(self.tok(ids) + self.pos(torch.arange(t)))
        for block in self.blocks:
            x = block(x)
        return self.final_norm(x) @ self.tok.weight.t()


class Vision(nn.Module):
    """ViT / DeiT (prefix tokens CLS (, DIST) with positions) and CaiT (positions on patches only)."""

    def __init__(self, a):
        super().__init__()
        self.family = a.family
        patches = (a.image // a.patch) ** 2
        prefix = {"vit": 1, "deit": 2, "cait": 0}[a.family]
        self.patch = nn.Conv2d(a.channels, a.hidden, a.patch, a.patch)
        self.cls = nn.Parameter(torch.randn(1, 1, a.hidden) * 0.02)
        self.dist = nn.Parameter(torch.randn(1, 1, a.hidden) * 0.02) if a.family == "deit" else None
        self.pos = nn.Parameter(torch.randn(1, patches + prefix, a.hidden) * 0.02)
        cait = a.family == "cait"
        self.blocks = nn.ModuleList(Block(a, a.eps, talking=cait, layer_scale=0.1 if cait else None) for _ in range(a.layers))
        self.cls_blocks = nn.ModuleList(ClassAttentionBlock(a, a.eps, 0.1) for _ in range(a.class_layers if cait else 0))
        self.final_norm = nn.LayerNorm(a.hidden, eps=a.eps)
        self.head = nn.Linear(a.hidden, a.classes)
        self.head_dist = nn.Linear(a.hidden, a.classes) if a.family == "deit" else None

    def forward(self, pixels):
        b = pixels.shape[0]
        x = self.patch(pixels).flatten(2).transpose(1, 2)  # [B, N, H]
        if self.family == "cait":
            x = x + self.pos
            for block in self.blocks:
                x = block(x)
            cls = self.cls.expand(b, -1, -1)
            for block in self.cls_blocks:
                cls = block(cls, x)
            x = self.final_norm(torch.cat([cls, x], 1))
            return [self.head(x[:, 0])]
        prefix = [self.cls.expand(b, -1, -1)] + ([self.dist.expand(b, -1, -1)] if self.dist is not None else [])
        x = torch.cat(prefix + [x], 1) + self.pos
        for block in self.blocks:
            x = block(x)
        x = self.final_norm(x)
        return [self.head(x[:, 0])] + ([self.head_dist(x[:, 1])] if self.head_dist is not None else [])


def init_weights(module):
    """The engine's initialisation (models/init.ts, HF _init_weights): N(0, 0.02) weights, zero biases."""
    if isinstance(module, (nn.Linear, nn.Embedding, nn.Conv2d)):
        nn.init.normal_(module.weight, std=0.02)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)


def make_step(a):
    """Model, inputs, and a function computing the step's loss."""
    torch.manual_seed(0)
    model_of = {"bert": Encoder, "roberta": Encoder, "gpt2": Decoder}.get(a.family, Vision)
    model = model_of(a)
    model.apply(init_weights)
    if a.family == "gpt2":  # GPT-2's scaled init of the residual projections (the engine's models/init.ts)
        for block in model.blocks:
            for linear in (block.attn.out, block.mlp.down):
                nn.init.normal_(linear.weight, std=0.02 / math.sqrt(2 * a.layers))
    if a.family in ("bert", "roberta", "gpt2"):
        ids = torch.randint(3, a.vocab, (a.batch, a.seq))
        if a.family == "gpt2":
            # position t predicts token t+1 (the engine's causalLmLoss)
            return model, lambda: F.cross_entropy(model(ids)[:, :-1].reshape(-1, a.vocab), ids[:, 1:].reshape(-1))
        tokens = a.batch * a.seq
        rows = torch.randperm(tokens)[: round(tokens * 0.15)].sort().values
        targets = torch.randint(0, a.vocab, (len(rows),))
        return model, lambda: F.cross_entropy(model(ids, rows), targets)
    pixels = torch.randn(a.batch, a.channels, a.image, a.image)
    labels = torch.randint(0, a.classes, (a.batch,))

    def loss_of():
        heads = model(pixels)
        return sum(F.cross_entropy(logits, labels) for logits in heads) / len(heads)

    return model, loss_of


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name, kind, default in [("--family", str, None), ("--threads", int, 1), ("--steps", int, 5), ("--warmup", int, 2),
                                ("--layers", int, 4), ("--hidden", int, 192), ("--heads", int, 3), ("--ffn", int, 768),
                                ("--batch", int, 16), ("--eps", float, 1e-5), ("--dropout", float, 0.0),
                                ("--vocab", int, 4000), ("--seq", int, 64), ("--positions", int, 128),
                                ("--image", int, 28), ("--patch", int, 7), ("--channels", int, 1), ("--classes", int, 10),
                                ("--class-layers", int, 2)]:
        parser.add_argument(name, type=kind, default=default, required=default is None and kind is str)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    model, loss_of = make_step(a)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    times, losses = [], []
    for step in range(a.warmup + a.steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of()
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
        if step >= a.warmup:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    items = a.batch * a.seq if a.family in ("bert", "roberta", "gpt2") else a.batch
    print(json.dumps({"family": a.family, "threads": a.threads, "ms_per_step": median * 1e3, "items_per_s": items / median,
                      "parameters": sum(p.numel() for p in model.parameters()), "first_loss": losses[0],
                      "final_loss": losses[-1], "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
