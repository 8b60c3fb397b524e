#!/usr/bin/python3
"""PyTorch peer of `npm run bench:engine`: the same model, sizes, batch, loss variants and Adam as bench/engine.ts.

The model is engine/models' `bert` family at the reference size (docs/engine/measurements.md section 2): token +
position + token-type embeddings with LayerNorm, post-LN encoder layers (erf GELU, no dropout), the MLM head
(dense 128->128, GELU, LayerNorm, decoder 128->8000 + bias, untied), cross-entropy against random targets.
  full:  logits at all B*T positions;   mlm15: logits only at a fixed random 15 % of positions.
Prints one JSON line per loss variant: {"loss": ..., "threads": ..., "ms_per_step": median, "tokens_per_s": ...,
"max_rss_mib": peak resident memory of the process so far, ...} (bench/memory.ts runs one variant per process).

Run with Debian's interpreter (python3-torch): /usr/bin/python3 bench/torch_peer.py --threads 2
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn as nn


class Bert(nn.Module):
    def __init__(self, vocab, hidden, layers, heads, ffn, positions, eps):
        super().__init__()
        self.tok = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(positions, hidden)
        self.typ = nn.Embedding(2, hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(hidden, heads, ffn, dropout=0.0, activation="gelu", batch_first=True, layer_norm_eps=eps)
            for _ in range(layers)
        )
        self.dense = nn.Linear(hidden, hidden)
        self.head_norm = nn.LayerNorm(hidden, eps=eps)
        self.decoder = nn.Linear(hidden, vocab)

    def forward(self, ids, rows):
        b, t = ids.shape
        positions = torch.arange(t).unsqueeze(0).expand(b, t)
        x = self.norm(self.tok(ids) + self.pos(positions) + self.typ(torch.zeros_like(ids)))
        for block in self.blocks:
            x = block(x)
        x = x.reshape(b * t, -1)
        if rows is not None:
            x = x[rows]
        return self.decoder(self.head_norm(nn.functional.gelu(self.dense(x))))


def measure(loss_variant, args):
    torch.manual_seed(0)
    model = Bert(args.vocab, args.hidden, args.layers, args.heads, args.ffn, args.seq, 1e-12)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    ids = torch.randint(0, args.vocab, (args.batch, args.seq))
    tokens = args.batch * args.seq
    rows = None
    if loss_variant == "mlm15":
        rows = torch.randperm(tokens)[: round(tokens * 0.15)].sort().values
    targets = torch.randint(0, args.vocab, (tokens if rows is None else len(rows),))
    criterion = nn.CrossEntropyLoss()
    # Peak resident memory so far (Linux ru_maxrss is in KiB): the process with the model built, before training.
    rss_before_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(ids, rows), targets)
        loss.backward()
        optimizer.step()
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {"loss": loss_variant, "threads": args.threads, "ms_per_step": median * 1e3, "tokens_per_s": tokens / median,
            "final_loss": float(loss), "torch": torch.__version__,
            "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_before_training_mib": rss_before_mib}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--losses", default="full,mlm15")
    parser.add_argument("--vocab", type=int, default=8000)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--ffn", type=int, default=512)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seq", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for variant in args.losses.split(","):
        print(json.dumps(measure(variant, args)), flush=True)


if __name__ == "__main__":
    main()
