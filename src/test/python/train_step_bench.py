#!/usr/bin/env python3
"""PyTorch's speed on the training step FineScope's DJL trainer takes: the yardstick of `finescope bench train`.

A MiniLM-shaped BERT (6 layers, hidden 384, 12 heads, FFN 1536, vocabulary 30522, random weights) written in plain
torch with the operations of bert_reference.py (its layer_norm, linear and mask constant are imported), trained on
batches of 32 × 64 tokens with dropout 0.1, cross-entropy, global-norm clipping at 1.0 and AdamW (decay 0.01 on
weight matrices, none on biases and LayerNorms):

* full: every tensor trains;
* masked: every encoder matrix (Q, K, V, attention output, FFN in and out) is W0 ⊙ M with a straight-through
  mask M = 1[S > 0] (S trained at rate 1e-2, method.md §4), everything else frozen but the head.

It prints the BLAS torch uses (torch.__config__.show() and the libblas the dynamic linker resolves: Debian's
reference BLAS makes any comparison meaningless; install libopenblas0-pthread first), the threads, the median
step time, examples per second and the peak resident memory.

Usage: /usr/bin/python3 src/test/python/train_step_bench.py [--steps N] [--threads N]
"""
import argparse
import math
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_reference import FLOAT_MIN, layer_norm, linear  # noqa: E402

VOCAB, HIDDEN, LAYERS, HEADS, FFN, POSITIONS, TYPES = 30522, 384, 6, 12, 1536, 512, 2
BATCH, SEQ, LABELS = 32, 64, 2
DROPOUT = 0.1
MATRICES = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
            "intermediate.dense", "output.dense"]


def shapes():
    out = {"embeddings.word_embeddings.weight": (VOCAB, HIDDEN),
           "embeddings.position_embeddings.weight": (POSITIONS, HIDDEN),
           "embeddings.token_type_embeddings.weight": (TYPES, HIDDEN),
           "embeddings.LayerNorm.weight": (HIDDEN,), "embeddings.LayerNorm.bias": (HIDDEN,)}
    for i in range(LAYERS):
        p = "encoder.layer.%d." % i
        for m in MATRICES:
            rows, cols = (FFN, HIDDEN) if m == "intermediate.dense" else (HIDDEN, FFN) if m == "output.dense" \
                else (HIDDEN, HIDDEN)
            out[p + m + ".weight"] = (rows, cols)
            out[p + m + ".bias"] = (rows,)
        for ln in ["attention.output.LayerNorm", "output.LayerNorm"]:
            out[p + ln + ".weight"] = (HIDDEN,)
            out[p + ln + ".bias"] = (HIDDEN,)
    out["pooler.dense.weight"] = (HIDDEN, HIDDEN)
    out["pooler.dense.bias"] = (HIDDEN,)
    out["classifier.weight"] = (LABELS, HIDDEN)
    out["classifier.bias"] = (LABELS,)
    return out


def is_encoder_matrix(name):
    return name.startswith("encoder.layer.") and name.endswith(".weight") and "LayerNorm" not in name


class TrainBert(torch.nn.Module):
    """BertForSequenceClassification in training mode; masked=True puts learned masks on the encoder matrices."""

    def __init__(self, masked, seed=1):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.masked = masked
        self.params = torch.nn.ParameterDict()
        self.frozen = {}
        self.scores = torch.nn.ParameterDict()
        for name, shape in shapes().items():
            if name.endswith("LayerNorm.weight"):
                value = torch.ones(shape)
            elif len(shape) == 1:
                value = torch.zeros(shape)
            else:
                value = torch.randn(shape, generator=g) * 0.02
            key = name.replace(".", "__")
            trains = not masked or name.startswith("classifier.")
            if trains:
                self.params[key] = torch.nn.Parameter(value)
            else:
                self.frozen[name] = value
            if masked and is_encoder_matrix(name):
                # magnitude pruning at 10% as the start: -c on the smallest |W0|, +c elsewhere (c = 3)
                k = round(0.1 * value.numel())
                s = torch.full(shape, 3.0)
                s.view(-1)[value.abs().view(-1).argsort()[:k]] = -3.0
                self.scores[key] = torch.nn.Parameter(s)

    def t(self, name):
        key = name.replace(".", "__")
        if key in self.params:
            return self.params[key]
        w = self.frozen[name]
        if key in self.scores:
            s = self.scores[key]
            mask = (s > 0).to(w.dtype) + (s - s.detach())
            return w * mask
        return w

    def forward(self, ids, types, attention):
        t = self.t
        drop = torch.nn.functional.dropout
        bsz, seq = ids.shape
        head_dim = HIDDEN // HEADS
        positions = torch.arange(seq).unsqueeze(0)
        x = t("embeddings.word_embeddings.weight")[ids] + t("embeddings.position_embeddings.weight")[positions] \
            + t("embeddings.token_type_embeddings.weight")[types]
        x = drop(layer_norm(x, t("embeddings.LayerNorm.weight"), t("embeddings.LayerNorm.bias"), 1e-12), DROPOUT)
        ext = (1.0 - attention[:, None, None, :].to(torch.float32)) * FLOAT_MIN
        for i in range(LAYERS):
            p = "encoder.layer.%d." % i

            def split(y):
                return y.view(bsz, seq, HEADS, head_dim).permute(0, 2, 1, 3)

            q = split(linear(x, t(p + "attention.self.query.weight"), t(p + "attention.self.query.bias")))
            k = split(linear(x, t(p + "attention.self.key.weight"), t(p + "attention.self.key.bias")))
            v = split(linear(x, t(p + "attention.self.value.weight"), t(p + "attention.self.value.bias")))
            probs = drop(torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(head_dim) + ext, dim=-1),
                         DROPOUT)
            ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(bsz, seq, HIDDEN)
            a = drop(linear(ctx, t(p + "attention.output.dense.weight"), t(p + "attention.output.dense.bias")),
                     DROPOUT)
            a = layer_norm(a + x, t(p + "attention.output.LayerNorm.weight"), t(p + "attention.output.LayerNorm.bias"),
                           1e-12)
            h = torch.nn.functional.gelu(linear(a, t(p + "intermediate.dense.weight"), t(p + "intermediate.dense.bias")))
            h = drop(linear(h, t(p + "output.dense.weight"), t(p + "output.dense.bias")), DROPOUT)
            x = layer_norm(h + a, t(p + "output.LayerNorm.weight"), t(p + "output.LayerNorm.bias"), 1e-12)
        pooled = torch.tanh(linear(x[:, 0], t("pooler.dense.weight"), t("pooler.dense.bias")))
        return linear(drop(pooled, DROPOUT), t("classifier.weight"), t("classifier.bias"))

    def optimizer(self):
        decay, no_decay = [], []
        for key, p in self.params.items():
            name = key.replace("__", ".")
            (decay if name.endswith(".weight") and "LayerNorm" not in name else no_decay).append(p)
        groups = [{"params": decay, "weight_decay": 0.01, "lr": 2e-5},
                  {"params": no_decay, "weight_decay": 0.0, "lr": 2e-5}]
        if len(self.scores):
            groups.append({"params": list(self.scores.values()), "weight_decay": 0.0, "lr": 1e-2})
        return torch.optim.AdamW(groups, betas=(0.9, 0.999), eps=1e-8)


def batch(seed=2):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(1000, 30000, (BATCH, SEQ), generator=g)
    ids[:, 0] = 101
    ids[:, -1] = 102
    return ids, torch.zeros_like(ids), torch.ones_like(ids), torch.arange(BATCH) % 2


def blas_library():
    """The BLAS the dynamic linker gives this process (Debian switches libblas.so.3 with update-alternatives)."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
        return ", ".join(libs) or "(none mapped)"
    except OSError:
        return "(unknown)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(3)
    print(torch.__config__.show())
    print("torch %s, intra-op threads %d, BLAS library: %s" % (torch.__version__, torch.get_num_threads(),
                                                               blas_library()))
    ids, types, attention, labels = batch()
    for kind in ["full", "masked"]:
        model = TrainBert(masked=kind == "masked")
        model.train()
        opt = model.optimizer()
        trainable = sum(p.numel() for p in model.parameters())

        def step():
            logits = model(ids, types, attention)
            loss = torch.nn.functional.cross_entropy(logits, labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            return loss.item()

        step()
        times = []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print("%s: %d trainable parameters; step median %.3f s (min %.3f, max %.3f) = %.1f examples/s"
              % (kind, trainable, med, min(times), max(times), BATCH / med))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak resident memory %.0f MB" % (peak_kb / 1024))


if __name__ == "__main__":
    main()
