#!/usr/bin/env python3
"""Reference logits for `ligo forward` parity tests, computed with plain PyTorch (Debian's python3-torch).

transformers and timm are not installed (and not in Debian), so the models are written here directly from their
definitions: BERT (BertLMHeadModel / BertForMaskedLM: post-LN encoder, erf GELU, cls.predictions head tied to the
word embeddings), RoBERTa (RobertaForMaskedLM: position ids from padding_idx + 1), GPT-2 (GPT2LMHeadModel:
pre-LN, causal, gelu_new, Conv1D [in, out] weights, lm_head tied to wte), ViT (ViTForImageClassification),
DeiT (DeiTForImageClassificationWithTeacher: mean of the CLS and distillation heads), timm DeiT distilled and
timm CaiT (talking-heads attention, LayerScale, class-attention blocks). Nothing here shares code with src/.

Weights come from the shared fixtures (../shared/fixtures beside the clone: safetensors parsed with json/struct,
the zip .bin with torch.load) and from tiny synthetic checkpoints this script writes to test/reference/synthetic/
(seeded torch.randn values, names and shapes from docs/formats/checkpoints.md section 2), for the architectures that
have no public fixture (RoBERTa, DeiT, timm DeiT, timm CaiT).

Run from the repository root:  /usr/bin/python3 test/reference/make-forward-reference.py
It rewrites test/reference/synthetic/* and test/reference/forward-reference.json.
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "..", "shared", "fixtures")
SYNTHETIC = os.path.join(HERE, "synthetic")
torch.set_default_dtype(torch.float64)  # reference in float64; the engine computes in float32


# ------------------------------------------------------------------ safetensors (json + struct, no library)

def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        values = struct.unpack("<%df" % ((end - begin) // 4), raw[8 + n + begin:8 + n + end])
        out[name] = torch.tensor(values, dtype=torch.float64).reshape(info["shape"])
    return out


def write_safetensors(path, tensors):
    names = sorted(tensors)
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name in names:
        t = tensors[name].to(torch.float32).contiguous()
        blob = struct.pack("<%df" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_weights(folder):
    st = os.path.join(folder, "model.safetensors")
    if os.path.exists(st):
        return read_safetensors(st)
    sd = torch.load(os.path.join(folder, "pytorch_model.bin"), map_location="cpu")
    return {k: v.to(torch.float64) for k, v in sd.items()}


# ------------------------------------------------------------------ building blocks

def linear(x, w, b=None):
    return F.linear(x, w, b)


def layer_norm(x, w, b, eps):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def gelu(x):
    return F.gelu(x)  # exact erf


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def attention(q, k, v, heads, mask_bias=None):
    """q, k, v [B, T, H] -> [B, T, H]; softmax(q k^T / sqrt(d) + mask) v per head."""
    B, T, H = q.shape
    d = H // heads
    split = lambda t: t.view(B, -1, heads, d).permute(0, 2, 1, 3)
    scores = split(q) @ split(k).transpose(-1, -2) / math.sqrt(d)
    if mask_bias is not None:
        scores = scores + mask_bias
    out = torch.softmax(scores, dim=-1) @ split(v)
    return out.permute(0, 2, 1, 3).reshape(B, T, H)


def padding_bias(mask):
    """HF get_extended_attention_mask: (1 - mask) * finfo.min on the key axis, [B, 1, 1, T]."""
    return (1.0 - mask[:, None, None, :].to(torch.float64)) * torch.finfo(torch.float64).min


# ------------------------------------------------------------------ text models

def bert_mlm(w, cfg, inp, body, head):
    """BertModel body (post-LN) + cls.predictions / lm_head (dense, gelu, LN, tied decoder + bias)."""
    ids = torch.tensor(inp["input_ids"])
    B, T = ids.shape
    mask = torch.tensor(inp.get("attention_mask", [[1] * T] * B))
    types = torch.tensor(inp.get("token_type_ids", [[0] * T] * B))
    eps = cfg["layer_norm_eps"]
    if cfg["model_type"] == "roberta":  # create_position_ids_from_input_ids
        pad = cfg["pad_token_id"]
        real = (ids != pad).long()
        pos = torch.cumsum(real, dim=1) * real + pad
    else:
        pos = torch.arange(T).expand(B, T)
    p = lambda name: w[body + name]
    x = p("embeddings.word_embeddings.weight")[ids] + p("embeddings.position_embeddings.weight")[pos] + p("embeddings.token_type_embeddings.weight")[types]
    x = layer_norm(x, p("embeddings.LayerNorm.weight"), p("embeddings.LayerNorm.bias"), eps)
    bias = padding_bias(mask)
    for i in range(cfg["num_hidden_layers"]):
        L = lambda name: p("encoder.layer.%d.%s" % (i, name))
        q = linear(x, L("attention.self.query.weight"), L("attention.self.query.bias"))
        k = linear(x, L("attention.self.key.weight"), L("attention.self.key.bias"))
        v = linear(x, L("attention.self.value.weight"), L("attention.self.value.bias"))
        a = linear(attention(q, k, v, cfg["num_attention_heads"], bias), L("attention.output.dense.weight"), L("attention.output.dense.bias"))
        x = layer_norm(x + a, L("attention.output.LayerNorm.weight"), L("attention.output.LayerNorm.bias"), eps)
        h = gelu(linear(x, L("intermediate.dense.weight"), L("intermediate.dense.bias")))
        x = layer_norm(x + linear(h, L("output.dense.weight"), L("output.dense.bias")), L("output.LayerNorm.weight"), L("output.LayerNorm.bias"), eps)
    H = lambda name: w[head[name]]
    h = gelu(linear(x, H("dense.weight"), H("dense.bias")))
    h = layer_norm(h, H("norm.weight"), H("norm.bias"), eps)
    return linear(h, p("embeddings.word_embeddings.weight"), H("bias"))


BERT_HEAD = {"dense.weight": "cls.predictions.transform.dense.weight", "dense.bias": "cls.predictions.transform.dense.bias",
             "norm.weight": "cls.predictions.transform.LayerNorm.weight", "norm.bias": "cls.predictions.transform.LayerNorm.bias",
             "bias": "cls.predictions.bias"}
ROBERTA_HEAD = {"dense.weight": "lm_head.dense.weight", "dense.bias": "lm_head.dense.bias",
                "norm.weight": "lm_head.layer_norm.weight", "norm.bias": "lm_head.layer_norm.bias", "bias": "lm_head.bias"}


def gpt2_lm(w, cfg, inp, prefix):
    """GPT2LMHeadModel: Conv1D y = x W + b with W [in, out]; c_attn columns q | k | v; causal; tied lm_head."""
    ids = torch.tensor(inp["input_ids"])
    B, T = ids.shape
    p = lambda name: w[prefix + name]
    conv1d = lambda x, name: x @ p(name + ".weight") + p(name + ".bias")
    x = p("wte.weight")[ids] + p("wpe.weight")[torch.arange(T)]
    causal = torch.triu(torch.full((T, T), torch.finfo(torch.float64).min), diagonal=1)
    bias = causal[None, None]
    if "attention_mask" in inp:
        bias = bias + padding_bias(torch.tensor(inp["attention_mask"]))
    eps = cfg["layer_norm_epsilon"]
    for i in range(cfg["n_layer"]):
        h = layer_norm(x, p("h.%d.ln_1.weight" % i), p("h.%d.ln_1.bias" % i), eps)
        q, k, v = conv1d(h, "h.%d.attn.c_attn" % i).split(x.shape[-1], dim=2)
        x = x + conv1d(attention(q, k, v, cfg["n_head"], bias), "h.%d.attn.c_proj" % i)
        h = layer_norm(x, p("h.%d.ln_2.weight" % i), p("h.%d.ln_2.bias" % i), eps)
        x = x + conv1d(gelu_new(conv1d(h, "h.%d.mlp.c_fc" % i)), "h.%d.mlp.c_proj" % i)
    x = layer_norm(x, p("ln_f.weight"), p("ln_f.bias"), eps)
    return x @ p("wte.weight").T


# ------------------------------------------------------------------ vision models

def patches(pixels, weight, bias):
    """Conv2d with stride p, flattened to [B, N, H] (HF ViTPatchEmbeddings, timm PatchEmbed)."""
    return F.conv2d(pixels, weight, bias, stride=weight.shape[-1]).flatten(2).transpose(1, 2)


def hf_vit(w, cfg, inp, prefix, distilled):
    """HF ViT/DeiT: [CLS (, DIST), patches] + positions; pre-LN blocks; final layernorm; head(s)."""
    x = torch.tensor(inp["pixel_values"])
    p = lambda name: w[prefix + name]
    eps = cfg["layer_norm_eps"]
    x = patches(x, p("embeddings.patch_embeddings.projection.weight"), p("embeddings.patch_embeddings.projection.bias"))
    B = x.shape[0]
    tokens = [p("embeddings.cls_token").expand(B, -1, -1)]
    if distilled:
        tokens.append(p("embeddings.distillation_token").expand(B, -1, -1))
    x = torch.cat(tokens + [x], dim=1) + p("embeddings.position_embeddings")
    for i in range(cfg["num_hidden_layers"]):
        L = lambda name: p("encoder.layer.%d.%s" % (i, name))
        h = layer_norm(x, L("layernorm_before.weight"), L("layernorm_before.bias"), eps)
        q, k, v = (linear(h, L("attention.attention.%s.weight" % n), L("attention.attention.%s.bias" % n)) for n in ("query", "key", "value"))
        x = x + linear(attention(q, k, v, cfg["num_attention_heads"]), L("attention.output.dense.weight"), L("attention.output.dense.bias"))
        h = layer_norm(x, L("layernorm_after.weight"), L("layernorm_after.bias"), eps)
        x = x + linear(gelu(linear(h, L("intermediate.dense.weight"), L("intermediate.dense.bias"))), L("output.dense.weight"), L("output.dense.bias"))
    x = layer_norm(x, p("layernorm.weight"), p("layernorm.bias"), eps)
    if not distilled:
        return linear(x[:, 0], w["classifier.weight"], w["classifier.bias"])
    cls = linear(x[:, 0], w["cls_classifier.weight"], w["cls_classifier.bias"])
    dist = linear(x[:, 1], w["distillation_classifier.weight"], w["distillation_classifier.bias"])
    return (cls + dist) / 2


def timm_block(x, w, name, heads, eps=1e-6):
    """timm Block: fused qkv rows [q | k | v] (reshape(B, N, 3, A, d))."""
    h = layer_norm(x, w[name + ".norm1.weight"], w[name + ".norm1.bias"], eps)
    q, k, v = linear(h, w[name + ".attn.qkv.weight"], w[name + ".attn.qkv.bias"]).chunk(3, dim=-1)
    x = x + linear(attention(q, k, v, heads), w[name + ".attn.proj.weight"], w[name + ".attn.proj.bias"])
    h = layer_norm(x, w[name + ".norm2.weight"], w[name + ".norm2.bias"], eps)
    return x + linear(gelu(linear(h, w[name + ".mlp.fc1.weight"], w[name + ".mlp.fc1.bias"])), w[name + ".mlp.fc2.weight"], w[name + ".mlp.fc2.bias"])


def timm_deit_distilled(w, cfg, inp):
    """timm VisionTransformerDistilled in eval: (head(x[:, 0]) + head_dist(x[:, 1])) / 2."""
    x = patches(torch.tensor(inp["pixel_values"]), w["patch_embed.proj.weight"], w["patch_embed.proj.bias"])
    B = x.shape[0]
    x = torch.cat([w["cls_token"].expand(B, -1, -1), w["dist_token"].expand(B, -1, -1), x], dim=1) + w["pos_embed"]
    for i in range(cfg["model_args"]["depth"]):
        x = timm_block(x, w, "blocks.%d" % i, cfg["model_args"]["num_heads"])
    x = layer_norm(x, w["norm.weight"], w["norm.bias"], 1e-6)
    return (linear(x[:, 0], w["head.weight"], w["head.bias"]) + linear(x[:, 1], w["head_dist.weight"], w["head_dist.bias"])) / 2


def timm_cait(w, cfg, inp):
    """timm Cait: talking-heads self-attention + LayerScale on patches, then class attention on CLS (cait.py)."""
    heads = cfg["model_args"]["num_heads"]
    eps = 1e-6
    x = patches(torch.tensor(inp["pixel_values"]), w["patch_embed.proj.weight"], w["patch_embed.proj.bias"]) + w["pos_embed"]
    B, N, C = x.shape
    d = C // heads
    for i in range(cfg["model_args"]["depth"]):
        n = "blocks.%d" % i
        h = layer_norm(x, w[n + ".norm1.weight"], w[n + ".norm1.bias"], eps)
        qkv = linear(h, w[n + ".attn.qkv.weight"], w[n + ".attn.qkv.bias"]).reshape(B, N, 3, heads, d).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * d ** -0.5, qkv[1], qkv[2]
        attn = q @ k.transpose(-2, -1)
        attn = linear(attn.permute(0, 2, 3, 1), w[n + ".attn.proj_l.weight"], w[n + ".attn.proj_l.bias"]).permute(0, 3, 1, 2)
        attn = attn.softmax(dim=-1)
        attn = linear(attn.permute(0, 2, 3, 1), w[n + ".attn.proj_w.weight"], w[n + ".attn.proj_w.bias"]).permute(0, 3, 1, 2)
        a = (attn @ v).transpose(1, 2).reshape(B, N, C)
        x = x + w[n + ".gamma_1"] * linear(a, w[n + ".attn.proj.weight"], w[n + ".attn.proj.bias"])
        h = layer_norm(x, w[n + ".norm2.weight"], w[n + ".norm2.bias"], eps)
        x = x + w[n + ".gamma_2"] * linear(gelu(linear(h, w[n + ".mlp.fc1.weight"], w[n + ".mlp.fc1.bias"])), w[n + ".mlp.fc2.weight"], w[n + ".mlp.fc2.bias"])
    cls = w["cls_token"].expand(B, -1, -1)
    for j in range(cfg["model_args"]["depth_token_only"]):
        n = "blocks_token_only.%d" % j
        u = layer_norm(torch.cat([cls, x], dim=1), w[n + ".norm1.weight"], w[n + ".norm1.bias"], eps)
        q = linear(u[:, 0], w[n + ".attn.q.weight"], w[n + ".attn.q.bias"]).unsqueeze(1).reshape(B, 1, heads, d).permute(0, 2, 1, 3)
        k = linear(u, w[n + ".attn.k.weight"], w[n + ".attn.k.bias"]).reshape(B, N + 1, heads, d).permute(0, 2, 1, 3)
        v = linear(u, w[n + ".attn.v.weight"], w[n + ".attn.v.bias"]).reshape(B, N + 1, heads, d).permute(0, 2, 1, 3)
        attn = ((q * d ** -0.5) @ k.transpose(-2, -1)).softmax(dim=-1)
        a = (attn @ v).transpose(1, 2).reshape(B, 1, C)
        cls = cls + w[n + ".gamma_1"] * linear(a, w[n + ".attn.proj.weight"], w[n + ".attn.proj.bias"])
        h = layer_norm(cls, w[n + ".norm2.weight"], w[n + ".norm2.bias"], eps)
        cls = cls + w[n + ".gamma_2"] * linear(gelu(linear(h, w[n + ".mlp.fc1.weight"], w[n + ".mlp.fc1.bias"])), w[n + ".mlp.fc2.weight"], w[n + ".mlp.fc2.bias"])
    x = layer_norm(torch.cat([cls, x], dim=1), w["norm.weight"], w["norm.bias"], eps)
    return linear(x[:, 0], w["head.weight"], w["head.bias"])


# ------------------------------------------------------------------ synthetic checkpoints (section 2 names)

def synthetic_tensors(shapes, seed):
    g = torch.Generator().manual_seed(seed)
    out = {}
    for name in sorted(shapes):
        t = torch.randn(shapes[name], generator=g, dtype=torch.float64) * 0.5
        if name.endswith(("norm.weight", "norm1.weight", "norm2.weight", "LayerNorm.weight", "layer_norm.weight", "layernorm.weight", "layernorm_before.weight", "layernorm_after.weight")):
            t = 1.0 + 0.1 * t
        out[name] = t.to(torch.float32).to(torch.float64)  # the stored values are float32
    return out


def lin(shapes, name, out, inp):
    shapes[name + ".weight"] = [out, inp]
    shapes[name + ".bias"] = [out]


def roberta_shapes(H=8, L=2, I=16, V=16, P=10):
    s = {"roberta.embeddings.word_embeddings.weight": [V, H], "roberta.embeddings.position_embeddings.weight": [P, H],
         "roberta.embeddings.token_type_embeddings.weight": [1, H]}
    lin(s, "roberta.embeddings.LayerNorm", H, 1); s["roberta.embeddings.LayerNorm.weight"] = [H]
    for i in range(L):
        b = "roberta.encoder.layer.%d." % i
        for n in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            lin(s, b + n, H, H)
        s[b + "attention.output.LayerNorm.weight"] = [H]; s[b + "attention.output.LayerNorm.bias"] = [H]
        lin(s, b + "intermediate.dense", I, H); lin(s, b + "output.dense", H, I)
        s[b + "output.LayerNorm.weight"] = [H]; s[b + "output.LayerNorm.bias"] = [H]
    lin(s, "lm_head.dense", H, H)
    s["lm_head.layer_norm.weight"] = [H]; s["lm_head.layer_norm.bias"] = [H]; s["lm_head.bias"] = [V]
    return s


def hf_deit_shapes(H=8, L=2, I=16, C=3, p=4, S=8, K=3):
    N = (S // p) ** 2
    s = {"deit.embeddings.cls_token": [1, 1, H], "deit.embeddings.distillation_token": [1, 1, H],
         "deit.embeddings.position_embeddings": [1, N + 2, H], "deit.embeddings.patch_embeddings.projection.weight": [H, C, p, p],
         "deit.embeddings.patch_embeddings.projection.bias": [H]}
    for i in range(L):
        b = "deit.encoder.layer.%d." % i
        for n in ("attention.attention.query", "attention.attention.key", "attention.attention.value", "attention.output.dense"):
            lin(s, b + n, H, H)
        lin(s, b + "intermediate.dense", I, H); lin(s, b + "output.dense", H, I)
        for n in ("layernorm_before", "layernorm_after"):
            s[b + n + ".weight"] = [H]; s[b + n + ".bias"] = [H]
    s["deit.layernorm.weight"] = [H]; s["deit.layernorm.bias"] = [H]
    lin(s, "cls_classifier", K, H); lin(s, "distillation_classifier", K, H)
    return s


def timm_block_shapes(s, b, H, I):
    for n in ("norm1", "norm2"):
        s[b + n + ".weight"] = [H]; s[b + n + ".bias"] = [H]
    lin(s, b + "attn.qkv", 3 * H, H); lin(s, b + "attn.proj", H, H)
    lin(s, b + "mlp.fc1", I, H); lin(s, b + "mlp.fc2", H, I)


def timm_deit_shapes(H=8, L=2, I=32, C=3, p=4, S=8, K=3):
    N = (S // p) ** 2
    s = {"cls_token": [1, 1, H], "dist_token": [1, 1, H], "pos_embed": [1, N + 2, H], "patch_embed.proj.weight": [H, C, p, p], "patch_embed.proj.bias": [H]}
    for i in range(L):
        timm_block_shapes(s, "blocks.%d." % i, H, I)
    s["norm.weight"] = [H]; s["norm.bias"] = [H]
    lin(s, "head", K, H); lin(s, "head_dist", K, H)
    return s


def timm_cait_shapes(H=8, A=2, L=2, I=32, C=3, p=4, S=8, K=3, LT=2):
    N = (S // p) ** 2
    s = {"cls_token": [1, 1, H], "pos_embed": [1, N, H], "patch_embed.proj.weight": [H, C, p, p], "patch_embed.proj.bias": [H]}
    for i in range(L):
        b = "blocks.%d." % i
        timm_block_shapes(s, b, H, I)
        lin(s, b + "attn.proj_l", A, A); lin(s, b + "attn.proj_w", A, A)
        s[b + "gamma_1"] = [H]; s[b + "gamma_2"] = [H]
    for j in range(LT):
        b = "blocks_token_only.%d." % j
        for n in ("norm1", "norm2"):
            s[b + n + ".weight"] = [H]; s[b + n + ".bias"] = [H]
        for n in ("attn.q", "attn.k", "attn.v", "attn.proj"):
            lin(s, b + n, H, H)
        lin(s, b + "mlp.fc1", I, H); lin(s, b + "mlp.fc2", H, I)
        s[b + "gamma_1"] = [H]; s[b + "gamma_2"] = [H]
    s["norm.weight"] = [H]; s["norm.bias"] = [H]
    lin(s, "head", K, H)
    return s


SYNTHETIC_MODELS = {
    "roberta-mlm": (roberta_shapes(), 11, {"architectures": ["RobertaForMaskedLM"], "model_type": "roberta", "vocab_size": 16, "hidden_size": 8,
                    "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu", "max_position_embeddings": 10,
                    "type_vocab_size": 1, "layer_norm_eps": 1e-05, "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2}),
    "deit-hf-teacher": (hf_deit_shapes(), 12, {"architectures": ["DeiTForImageClassificationWithTeacher"], "model_type": "deit", "hidden_size": 8,
                        "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
                        "image_size": 8, "patch_size": 4, "num_channels": 3, "qkv_bias": True,
                        "id2label": {"0": "a", "1": "b", "2": "c"}, "label2id": {"a": 0, "b": 1, "c": 2}}),
    "deit-timm-distilled": (timm_deit_shapes(), 13, {"architecture": "deit_tiny_distilled_patch16_224", "num_classes": 3,
                            "model_args": {"embed_dim": 8, "depth": 2, "num_heads": 2, "img_size": 8, "patch_size": 4, "in_chans": 3}}),
    "cait-timm": (timm_cait_shapes(), 14, {"architecture": "cait_xxs24_224", "num_classes": 3,
                  "model_args": {"embed_dim": 8, "depth": 2, "num_heads": 2, "img_size": 8, "patch_size": 4, "in_chans": 3, "depth_token_only": 2}}),
}


def image_input(B, C, S, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn((B, C, S, S), generator=g, dtype=torch.float64).to(torch.float32).tolist()


# ------------------------------------------------------------------ cases

def main():
    os.makedirs(SYNTHETIC, exist_ok=True)
    for name, (shapes, seed, cfg) in SYNTHETIC_MODELS.items():
        folder = os.path.join(SYNTHETIC, name)
        os.makedirs(folder, exist_ok=True)
        write_safetensors(os.path.join(folder, "model.safetensors"), synthetic_tensors(shapes, seed))
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
            f.write("\n")

    cases = []

    def add(name, source, run, inp, sample=None):
        folder = os.path.join(FIXTURES, source) if not source.startswith("synthetic/") else os.path.join(HERE, source)
        cfg = json.load(open(os.path.join(folder, "config.json")))
        logits = run(load_weights(folder), cfg, inp)
        case = {"name": name, "checkpoint": source, "input": inp, "shape": list(logits.shape)}
        if sample is not None:  # large vocabularies: selected columns plus the sum over the vocabulary
            case["columns"] = sample
            case["logits"] = logits[..., sample].tolist()
            case["sums"] = logits.sum(dim=-1).tolist()
        else:
            case["logits"] = logits.tolist()
        cases.append(case)

    def vocab_sample(V):
        return sorted(set(list(range(8)) + list(range(V - 8, V)) + list(range(101, V, 997))))

    bert_in = {"input_ids": [[101, 7592, 1010, 2088, 102], [101, 2023, 103, 102, 0]],
               "attention_mask": [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]], "token_type_ids": [[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]]}
    add("bert-tiniest-lmhead", "bert-tiniest-lmhead", lambda w, c, i: bert_mlm(w, c, i, "bert.", BERT_HEAD), bert_in, vocab_sample(30522))
    add("gpt2-tiny-model", "gpt2-tiny-model", lambda w, c, i: gpt2_lm(w, c, i, ""), {"input_ids": [[1, 5, 9, 20], [3, 3, 7, 0]], "attention_mask": [[1, 1, 1, 1], [1, 1, 1, 0]]})
    add("gpt2-fake-lmhead", "gpt2-fake-lmhead", lambda w, c, i: gpt2_lm(w, c, i, "transformer."), {"input_ids": [[464, 2068, 7586, 21831, 50256]]}, vocab_sample(50257))
    add("vit-dummy-bin", "vit-dummy-bin", lambda w, c, i: hf_vit(w, c, i, "vit.", False), {"pixel_values": image_input(2, 3, 10, 1)})
    add("roberta-mlm", "synthetic/roberta-mlm", lambda w, c, i: bert_mlm(w, c, i, "roberta.", ROBERTA_HEAD),
        {"input_ids": [[0, 5, 9, 14, 2], [0, 7, 2, 1, 1]], "attention_mask": [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]})
    add("deit-hf-teacher", "synthetic/deit-hf-teacher", lambda w, c, i: hf_vit(w, c, i, "deit.", True), {"pixel_values": image_input(2, 3, 8, 2)})
    add("deit-timm-distilled", "synthetic/deit-timm-distilled", timm_deit_distilled, {"pixel_values": image_input(2, 3, 8, 3)})
    add("cait-timm", "synthetic/cait-timm", timm_cait, {"pixel_values": image_input(2, 3, 8, 4)})

    with open(os.path.join(HERE, "forward-reference.json"), "w") as f:
        json.dump({"generator": "test/reference/make-forward-reference.py", "torch": torch.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
