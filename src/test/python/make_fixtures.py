#!/usr/bin/env python3
"""Writes the tiny BERT fixtures and the numpy reference values the analysis tests compare against.

Run from the repository root with Debian's python3-torch (1.13) and numpy:

    /usr/bin/python3 src/test/python/make_fixtures.py

Everything is seeded: running it twice writes the same files. Outputs, under src/test/resources/fixtures/tiny-bert/:

  base/                     a "pre-trained" BERT-shaped model: 2 layers, hidden 32, 4 heads, intermediate 64,
                            vocabulary 100, 64 positions, 2 token types, pooler, a 2-class classifier and the
                            masked-LM bias cls.predictions.bias; config.json, vocab.txt, pytorch_model.bin
                            (torch.save, zip layout) and model.safetensors (F32, written by hand below)
  tuned/                    the same model "fine-tuned": base plus seeded perturbations whose size depends on the
                            layer and the sublayer; some tensors exactly unchanged, one tensor with entries zeroed
                            and nothing else changed, one rescaled LayerNorm weight (a nearly parallel pair), a
                            bias changed in a quarter of its entries. cls.predictions.bias is only in base,
                            bert.embeddings.token_type_ids (I64) only in tuned.
  tuned-f16.safetensors     tuned with every floating tensor rounded to float16 (integer buffers stay I64)
  tuned-bf16.safetensors    tuned rounded to bfloat16
  reference-metrics.json    per pair (base-vs-tuned, base-vs-tuned-f16, base-vs-tuned-bf16) and per tensor present
                            in both: the metrics of method.md computed by numpy in float64 from the values as
                            stored (low-precision values decoded to float64); NaN is written as null
  reference-grid.json       per grid cell the metrics over the weight, and over weight+bias concatenated; per row
                            and over the whole grid the same, for base-vs-tuned
  reference-histograms.json histogram counts (numpy.histogram, fixed and automatic ranges, linear and log10|x|)
                            of a tensor, a cell, a row and the model, for base, tuned and delta values; sparsity
                            (exact zeros, |x| below a threshold) per tensor, cell and row of tuned
  synthetic-cases.json      small float32 vector pairs for edge cases (nearly parallel, rescaled, opposite,
                            orthogonal, all zeros, NaN, -0.0) with metrics computed exactly (fractions and
                            60-digit decimals)

The tests read tensor values straight from the safetensors files, so no value is stored twice.
"""
import collections
import decimal
import fractions
import json
import math
import pathlib
import struct

import numpy as np
import torch

OUT = pathlib.Path("src/test/resources/fixtures/tiny-bert")
SEED = 20240612

HIDDEN = 32
LAYERS = 2
HEADS = 4
INTERMEDIATE = 64
VOCAB = 100
POSITIONS = 64
TYPES = 2
LABELS = 2

ENCODER_COLUMNS = [
    ("Q", "attention.self.query"),
    ("K", "attention.self.key"),
    ("V", "attention.self.value"),
    ("AttnOut", "attention.output.dense"),
    ("AttnLN", "attention.output.LayerNorm"),
    ("FFN-in", "intermediate.dense"),
    ("FFN-out", "output.dense"),
    ("OutLN", "output.LayerNorm"),
]
# how far fine-tuning moves each kind of sublayer, relative to the others
COLUMN_FACTOR = {"Q": 1.0, "K": 0.8, "V": 1.2, "AttnOut": 1.0, "AttnLN": 0.5, "FFN-in": 1.5, "FFN-out": 1.3,
                 "OutLN": 0.5}

METRICS = ["numel", "mean_abs_delta", "rel_l1", "l2", "rel_l2", "cosine", "angle_rad", "frac_changed",
           "frac_zero", "max_abs_delta"]


# ---------------------------------------------------------------------------------------------------------------
# the models

def linear_shapes():
    """(name, shape) of every tensor of the base, in the order Hugging Face writes them."""
    shapes = [
        ("bert.embeddings.position_ids", (1, POSITIONS)),
        ("bert.embeddings.word_embeddings.weight", (VOCAB, HIDDEN)),
        ("bert.embeddings.position_embeddings.weight", (POSITIONS, HIDDEN)),
        ("bert.embeddings.token_type_embeddings.weight", (TYPES, HIDDEN)),
        ("bert.embeddings.LayerNorm.weight", (HIDDEN,)),
        ("bert.embeddings.LayerNorm.bias", (HIDDEN,)),
    ]
    for layer in range(LAYERS):
        p = f"bert.encoder.layer.{layer}."
        for _, sub in ENCODER_COLUMNS:
            if sub.endswith("LayerNorm"):
                shapes += [(p + sub + ".weight", (HIDDEN,)), (p + sub + ".bias", (HIDDEN,))]
            elif sub == "intermediate.dense":
                shapes += [(p + sub + ".weight", (INTERMEDIATE, HIDDEN)), (p + sub + ".bias", (INTERMEDIATE,))]
            elif sub == "output.dense":
                shapes += [(p + sub + ".weight", (HIDDEN, INTERMEDIATE)), (p + sub + ".bias", (HIDDEN,))]
            else:
                shapes += [(p + sub + ".weight", (HIDDEN, HIDDEN)), (p + sub + ".bias", (HIDDEN,))]
    shapes += [
        ("bert.pooler.dense.weight", (HIDDEN, HIDDEN)),
        ("bert.pooler.dense.bias", (HIDDEN,)),
        ("cls.predictions.bias", (VOCAB,)),
        ("classifier.weight", (LABELS, HIDDEN)),
        ("classifier.bias", (LABELS,)),
    ]
    return shapes


def make_base(rng):
    sd = collections.OrderedDict()
    for name, shape in linear_shapes():
        if name == "bert.embeddings.position_ids":
            sd[name] = np.arange(POSITIONS, dtype=np.int64).reshape(shape)
        elif name.endswith("LayerNorm.weight"):
            sd[name] = (1.0 + rng.normal(0.0, 0.05, shape)).astype(np.float32)
        elif name == "classifier.bias":
            sd[name] = np.zeros(shape, dtype=np.float32)  # a freshly initialised head: an all-zero base tensor
        else:
            sd[name] = rng.normal(0.0, 0.02, shape).astype(np.float32)
    return sd


def perturb(sd, rng):
    tuned = collections.OrderedDict()
    for name, a in sd.items():
        if name == "cls.predictions.bias":
            continue  # the masked-LM head is dropped by the sequence classifier
        if a.dtype != np.float32:
            tuned[name] = a.copy()
            continue
        a64 = a.astype(np.float64)
        if name in ("bert.embeddings.position_embeddings.weight", "bert.embeddings.token_type_embeddings.weight",
                    "bert.encoder.layer.0.attention.self.key.bias"):
            b = a64  # exactly unchanged
        elif name == "bert.embeddings.word_embeddings.weight":
            b = a64.copy()
            rows = rng.choice(VOCAB, size=VOCAB // 5, replace=False)
            b[rows] += rng.normal(0.0, 5e-4, (len(rows), HIDDEN))  # only the tokens the task saw
        elif name == "bert.encoder.layer.1.intermediate.dense.weight":
            b = a64.copy()
            order = np.argsort(np.abs(a64), axis=None, kind="stable")
            b.flat[order[: a.size // 10]] = 0.0  # a learned mask: 10% of entries zeroed, nothing else changed
        elif name == "bert.encoder.layer.1.attention.output.LayerNorm.weight":
            b = a64 * 1.25  # a rescaled vector: nearly parallel once rounded to float32
        elif name == "bert.encoder.layer.0.output.dense.bias":
            b = a64.copy()
            idx = rng.choice(a.size, size=a.size // 4, replace=False)
            b.flat[idx] += rng.normal(0.0, 1e-3, len(idx))
        elif name.startswith("classifier."):
            b = a64 + rng.normal(0.0, 0.05 if name.endswith("weight") else 0.01, a.shape)
        else:
            sigma = 1e-3
            if name.startswith("bert.encoder.layer."):
                layer = int(name.split(".")[3])
                column = next(c for c, sub in ENCODER_COLUMNS if f".{sub}." in name)
                sigma = 1e-3 * (1 + layer) * COLUMN_FACTOR[column]
            if name.endswith(".bias"):
                sigma *= 0.5
            b = a64 + rng.normal(0.0, sigma, a.shape)
        tuned[name] = b.astype(np.float32)
    tuned["bert.embeddings.token_type_ids"] = np.zeros((1, POSITIONS), dtype=np.int64)
    return tuned


# ---------------------------------------------------------------------------------------------------------------
# writers

ST_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.int64): "I64"}


def write_safetensors(path, tensors):
    """tensors: name -> (dtype name, shape, raw little-endian bytes)."""
    header = {"__metadata__": {"format": "pt"}}
    data = bytearray()
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + bytes(data))


def np_tensors(sd):
    return {n: (ST_DTYPES[a.dtype], a.shape, a.astype(a.dtype.newbyteorder("<")).tobytes()) for n, a in sd.items()}


def to_f16(sd):
    return {n: (a.astype(np.float16) if a.dtype == np.float32 else a) for n, a in sd.items()}


def bf16_tensors(sd):
    """Rounds to bfloat16 with torch (round to nearest even) and returns (safetensors entries, decoded values)."""
    entries, decoded = {}, collections.OrderedDict()
    for n, a in sd.items():
        if a.dtype != np.float32:
            entries[n] = (ST_DTYPES[a.dtype], a.shape, a.tobytes())
            decoded[n] = a
            continue
        t = torch.from_numpy(a.copy()).to(torch.bfloat16)
        bits = t.view(torch.int16).numpy().astype("<i2")
        entries[n] = ("BF16", a.shape, bits.tobytes())
        decoded[n] = t.to(torch.float32).numpy()
    return entries, decoded


def config(tuned):
    c = {
        "architectures": ["BertForSequenceClassification" if tuned else "BertForPreTraining"],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": HIDDEN,
        "initializer_range": 0.02,
        "intermediate_size": INTERMEDIATE,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": POSITIONS,
        "model_type": "bert",
        "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "transformers_version": "4.30.2",
        "type_vocab_size": TYPES,
        "use_cache": True,
        "vocab_size": VOCAB,
    }
    if tuned:
        c["id2label"] = {"0": "negative", "1": "positive"}
        c["label2id"] = {"negative": 0, "positive": 1}
        c["problem_type"] = "single_label_classification"
    return c


def vocab():
    words = ["[PAD]"] + [f"[unused{i}]" for i in range(5)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words += ["the", "a", "an", "is", "was", "not", "very", "good", "bad", "movie", "film", "great", "awful",
              "and", "but", "it", "this", "that", "i", "you", "love", "hate", "fun", "boring", "plot", "actor",
              "story", "music", ".", ",", "!", "?", "'", "s", "##s", "##ed", "##ing", "##ly", "##er", "##est",
              "##y", "un", "##able", "re", "##ness", "so", "too", "really", "quite", "just", "all", "some",
              "more", "most", "less", "best", "worst", "well", "never", "ever", "always", "time", "end",
              "start", "long", "short", "slow", "fast", "funny", "sad", "dark", "light", "old", "new", "young",
              "man", "woman", "world", "life", "day", "night", "year", "scene", "cast", "role", "script", "ending",
              "twist", "score", "##a"]
    assert len(words) == VOCAB, len(words)
    return "\n".join(words) + "\n"


def write_model(folder, sd, tuned):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config(tuned), indent=2) + "\n")
    (folder / "vocab.txt").write_text(vocab())
    torch.save(collections.OrderedDict((n, torch.from_numpy(a.copy())) for n, a in sd.items()),
               folder / "pytorch_model.bin")
    write_safetensors(folder / "model.safetensors", np_tensors(sd))


# ---------------------------------------------------------------------------------------------------------------
# reference values

def nan_to_none(x):
    x = float(x)
    return None if math.isnan(x) else x


def as_row(m):
    """A metrics dict as a list in METRICS order, to 13 significant digits (the tests' tolerances are far wider)."""
    return [None if m[k] is None else m[k] if k == "numel" else float("%.13g" % m[k]) for k in METRICS]


def metrics(a, b):
    """method.md §1 over float64 copies of the stored values; the angle by 2·atan2(‖â−b̂‖, ‖â+b̂‖)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    n = a.size
    d = b - a
    sum_abs_d = np.sum(np.abs(d))
    sum_abs_a = np.sum(np.abs(a))
    l2 = math.sqrt(np.sum(d * d))
    na = math.sqrt(np.sum(a * a))
    nb = math.sqrt(np.sum(b * b))
    if na > 0 and nb > 0:
        ah, bh = a / na, b / nb
        cosine = np.sum(a * b) / (na * nb)
        angle = 2.0 * math.atan2(np.linalg.norm(ah - bh), np.linalg.norm(ah + bh))
    else:
        cosine = angle = float("nan")
    return {
        "numel": int(n),
        "mean_abs_delta": nan_to_none(sum_abs_d / n),
        "rel_l1": nan_to_none(sum_abs_d / sum_abs_a if sum_abs_a > 0 else float("nan")),
        "l2": nan_to_none(l2),
        "rel_l2": nan_to_none(l2 / na if na > 0 else float("nan")),
        "cosine": nan_to_none(cosine),
        "angle_rad": nan_to_none(angle),
        "frac_changed": float(np.count_nonzero(b != a)) / n,
        "frac_zero": float(np.count_nonzero(b == 0)) / n,
        "max_abs_delta": nan_to_none(np.max(np.abs(d))),
    }


def grid_position(name):
    """(row, column, part) as in method.md, or None outside the grid."""
    part = "weight" if name.endswith(".weight") else "bias" if name.endswith(".bias") else None
    if part is None:
        return None
    stem = name.rsplit(".", 1)[0]
    emb = {"bert.embeddings.word_embeddings": "Word", "bert.embeddings.position_embeddings": "Position",
           "bert.embeddings.token_type_embeddings": "TokenType", "bert.embeddings.LayerNorm": "EmbLN"}
    if stem in emb:
        return "embeddings", emb[stem], part
    if stem == "bert.pooler.dense":
        return "pooler", "Pooler", part
    if stem == "classifier":
        return "head", "Head", part
    if stem.startswith("bert.encoder.layer."):
        rest = stem[len("bert.encoder.layer."):]
        layer, sub = rest.split(".", 1)
        for column, s in ENCODER_COLUMNS:
            if sub == s:
                return layer, column, part
    return None


def flat(sd, names):
    return np.concatenate([sd[n].astype(np.float64).ravel() for n in names])


def grid_reference(base, tuned):
    common = [n for n in base if n in tuned]
    cells = collections.OrderedDict()
    rows = collections.OrderedDict()
    for n in common:
        pos = grid_position(n)
        if pos is None:
            continue
        row, column, part = pos
        cells.setdefault(f"{row}/{column}", {"weight": [], "bias": []})[part].append(n)
        rows.setdefault(row, {"weight": [], "bias": []})[part].append(n)

    def both(groups):
        out = {}
        if len(groups["weight"]) > 1:  # a single weight's metrics are those of reference-metrics.json
            out["weight"] = as_row(metrics(flat(base, groups["weight"]), flat(tuned, groups["weight"])))
        names = groups["weight"] + groups["bias"]
        out["weight_and_bias"] = as_row(metrics(flat(base, names), flat(tuned, names)))
        out["tensors"] = names
        return out

    everything = {"weight": [], "bias": []}
    for g in rows.values():
        everything["weight"] += g["weight"]
        everything["bias"] += g["bias"]
    return {
        "metrics": METRICS,
        "pair": "base-vs-tuned",
        "cells": {k: both(v) for k, v in cells.items()},
        "rows": {k: both(v) for k, v in rows.items()},
        "overall": both(everything),
        "other": [n for n in common if grid_position(n) is None],
    }


def histogram_case(values, lo=None, hi=None, bins=None, log=False):
    """numpy.histogram counts; values outside [lo, hi] counted as below/above; zeros apart for log10|x|."""
    v = np.asarray(values, dtype=np.float64).ravel()
    zeros = 0
    if log:
        zeros = int(np.count_nonzero(v == 0))
        v = np.log10(np.abs(v[v != 0]))
    auto = lo is None
    if auto:
        lo, hi = float(v.min()), float(v.max())
        bins = max(1, min(200, math.ceil(math.sqrt(v.size))))
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    # every value must sit clearly inside its bin, or Java and numpy could legitimately disagree on an edge
    inside = v[(v > lo) & (v < hi)]
    gap = np.min(np.abs(inside[:, None] - edges[None, 1:-1])) if inside.size and bins > 1 else 1.0
    assert gap > 1e-12 * max(1.0, abs(hi - lo)), ("value too close to a bin edge", gap)
    out = {"log10": log, "auto": auto, "lo": lo, "hi": hi, "bins": bins, "counts": [int(c) for c in counts],
           "below": int(np.count_nonzero(v < lo)), "above": int(np.count_nonzero(v > hi)), "zeros": zeros,
           "numel": int(np.asarray(values).size)}
    return out


def histogram_reference(base, tuned, grid):
    t = "bert.encoder.layer.1.intermediate.dense.weight"
    cell = grid["cells"]["0/FFN-in"]["tensors"]
    row = grid["rows"]["1"]["tensors"]
    model = [n for n in base if n in tuned and base[n].dtype == np.float32]

    def vals(sd, names):
        return flat(sd, names)

    def delta(names):
        return flat(tuned, names) - flat(base, names)

    cases = [
        dict(name="tensor-base-linear-fixed", values="base", tensors=[t],
             **histogram_case(vals(base, [t]), -0.08, 0.08, 16)),
        dict(name="tensor-tuned-log-fixed", values="tuned", tensors=[t],
             **histogram_case(vals(tuned, [t]), -5.5, -0.5, 10, log=True)),
        dict(name="tensor-delta-linear-auto", values="delta", tensors=[t], **histogram_case(delta([t]))),
        dict(name="cell-tuned-linear-fixed", values="tuned", tensors=cell,
             **histogram_case(vals(tuned, cell), -0.1, 0.1, 20)),
        dict(name="row-delta-linear-fixed", values="delta", tensors=row,
             **histogram_case(delta(row), -0.01, 0.01, 25)),
        dict(name="row-delta-log-auto", values="delta", tensors=row, **histogram_case(delta(row), log=True)),
        dict(name="model-base-linear-auto", values="base", tensors=model, **histogram_case(vals(base, model))),
    ]
    threshold = 1e-3

    def sparsity(names):
        v = flat(tuned, names)
        return {"numel": int(v.size), "zeros": int(np.count_nonzero(v == 0)),
                "below": int(np.count_nonzero(np.abs(v) < threshold))}

    return {
        "histograms": cases,
        "sparsity": {
            "threshold": threshold,
            "model": "tuned",
            "tensors": {n: sparsity([n]) for n in model},
            # the tensors of each cell and row are those of reference-grid.json (weight and bias)
            "cells": {k: sparsity(v["tensors"]) for k, v in grid["cells"].items()},
            "rows": {k: sparsity(v["tensors"]) for k, v in grid["rows"].items()},
        },
    }


# ---------------------------------------------------------------------------------------------------------------
# synthetic edge cases, with exact reference values

def exact_metrics(a, b):
    """The metrics of two float32 vectors, sums exact as fractions, norms and angle with 60-digit decimals."""
    a = [float(x) for x in np.asarray(a, dtype=np.float32)]
    b = [float(x) for x in np.asarray(b, dtype=np.float32)]
    n = len(a)
    if any(math.isnan(x) or math.isinf(x) for x in a + b):
        return {"numel": n, "mean_abs_delta": None, "rel_l1": None, "l2": None, "rel_l2": None, "cosine": None,
                "angle_rad": None, "frac_changed": sum(1 for x, y in zip(a, b) if x != y) / n,
                "frac_zero": sum(1 for y in b if y == 0) / n, "max_abs_delta": None}
    F = fractions.Fraction
    fa = [F(x) for x in a]
    fb = [F(y) for y in b]
    sum_abs_d = sum(abs(y - x) for x, y in zip(fa, fb))
    sum_abs_a = sum(abs(x) for x in fa)
    sd2 = sum((y - x) ** 2 for x, y in zip(fa, fb))
    sa2 = sum(x * x for x in fa)
    sb2 = sum(y * y for y in fb)
    sab = sum(x * y for x, y in zip(fa, fb))
    ctx = decimal.Context(prec=60)
    D = lambda q: ctx.divide(decimal.Decimal(q.numerator), decimal.Decimal(q.denominator))
    na = ctx.sqrt(D(sa2))
    nb = ctx.sqrt(D(sb2))
    out = {
        "numel": n,
        "mean_abs_delta": float(sum_abs_d / n),
        "rel_l1": float(sum_abs_d / sum_abs_a) if sum_abs_a > 0 else None,
        "l2": float(ctx.sqrt(D(sd2))),
        "rel_l2": float(ctx.divide(ctx.sqrt(D(sd2)), na)) if sa2 > 0 else None,
        "frac_changed": sum(1 for x, y in zip(a, b) if x != y) / n,
        "frac_zero": sum(1 for y in b if y == 0) / n,
        "max_abs_delta": float(max(abs(y - x) for x, y in zip(fa, fb))),
    }
    if sa2 > 0 and sb2 > 0:
        diff2 = sum((ctx.divide(D(x), na) - ctx.divide(D(y), nb)) ** 2 for x, y in zip(fa, fb))
        summ2 = sum((ctx.divide(D(x), na) + ctx.divide(D(y), nb)) ** 2 for x, y in zip(fa, fb))
        out["cosine"] = float(ctx.divide(D(sab), ctx.multiply(na, nb)))
        out["angle_rad"] = 2.0 * math.atan2(float(ctx.sqrt(diff2)), float(ctx.sqrt(summ2)))
    else:
        out["cosine"] = out["angle_rad"] = None
    return out


def float32_text(x):
    """The shortest decimal that reads back as exactly this float32 (Java: Float.parseFloat), or NaN/±Infinity."""
    x = np.float32(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    text = np.format_float_scientific(x, unique=True, trim="-")
    # correctly rounded parsing gives x back when the decimal lies strictly within half a gap of x
    exact = fractions.Fraction(float(x))
    gap = min(abs(exact - fractions.Fraction(float(np.nextafter(x, np.float32(np.inf))))),
              abs(exact - fractions.Fraction(float(np.nextafter(x, np.float32(-np.inf))))))
    assert abs(fractions.Fraction(text) - exact) < gap / 2, text
    return text


def synthetic_cases(rng):
    cases = collections.OrderedDict()

    def add(name, a, b, why):
        a = np.asarray(a, dtype=np.float32)
        b = np.asarray(b, dtype=np.float32)
        cases[name] = {"why": why, "a": [float32_text(x) for x in a], "b": [float32_text(x) for x in b],
                       "reference": exact_metrics(a, b)}

    a = rng.normal(0.0, 0.02, 64).astype(np.float32)
    add("identical", a, a, "the angle is exactly 0 and nothing changed")
    add("rescaled", a, (a.astype(np.float64) * 1.25).astype(np.float32),
        "b = a·1.25 rounded to float32: only the rounding moves the direction, an angle near 1e-8")
    tiny = (a.astype(np.float64) * (1.0 + 2.0 ** -21)).astype(np.float32)
    tiny[7] = np.nextafter(tiny[7], np.float32(1.0))
    add("nearly-parallel", a, tiny, "b = a·(1+2^-21) plus one more ulp on one entry: acos(cosine) is useless here")
    k = rng.integers(-64, 65, 64).astype(np.float32) / np.float32(64.0)
    k[k == 0] = 0.5
    tripled = k * np.float32(3.0)
    tripled[3] = np.nextafter(tripled[3], np.float32(10.0))
    add("tripled-plus-one-ulp", k, tripled, "b = 3a exactly but one entry one ulp off: far in L2, a tiny angle")
    one_ulp = a.copy()
    one_ulp[50] = np.nextafter(one_ulp[50], np.float32(1.0))
    add("one-ulp", a, one_ulp, "one entry moved by one ulp")
    add("opposite", a[:64], -a[:64], "b = -a: the angle is pi")
    e = np.zeros(16, dtype=np.float32)
    f = np.zeros(16, dtype=np.float32)
    e[0] = 1.0
    f[1] = 2.0
    add("orthogonal", e, f, "perpendicular: the angle is pi/2")
    add("base-all-zero", np.zeros(16, dtype=np.float32), a[:16], "no angle: the base is all zeros")
    add("tuned-all-zero", a[:16], np.zeros(16, dtype=np.float32), "no angle: the tuned tensor is all zeros")
    add("both-zero", np.zeros(8, dtype=np.float32), np.zeros(8, dtype=np.float32), "nothing to measure an angle on")
    z = a[:16].copy()
    z[2] = 0.0
    zn = z.copy()
    zn[2] = -0.0
    zn[5] = 0.0
    add("negative-zero", z, zn, "-0.0 equals 0.0: unchanged, and a zero of the tuned tensor")
    with_nan = a[:16].copy()
    with_nan[4] = np.nan
    add("nan", a[:16], with_nan, "a NaN makes the sums NaN, never a crash; NaN counts as changed")
    return cases


# ---------------------------------------------------------------------------------------------------------------

def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    base = make_base(rng)
    tuned = perturb(base, rng)

    write_model(OUT / "base", base, tuned=False)
    write_model(OUT / "tuned", tuned, tuned=True)
    f16 = to_f16(tuned)
    write_safetensors(OUT / "tuned-f16.safetensors", np_tensors(f16))
    bf16_entries, bf16 = bf16_tensors(tuned)
    write_safetensors(OUT / "tuned-bf16.safetensors", bf16_entries)

    pairs = collections.OrderedDict([("base-vs-tuned", tuned), ("base-vs-tuned-f16", f16),
                                     ("base-vs-tuned-bf16", bf16)])
    reference = collections.OrderedDict([("metrics", METRICS), ("pairs", collections.OrderedDict())])
    for pair, other in pairs.items():
        reference["pairs"][pair] = collections.OrderedDict(
            (n, as_row(metrics(base[n], other[n]))) for n in base if n in other)
    reference["only_in_base"] = [n for n in base if n not in tuned]
    reference["only_in_tuned"] = [n for n in tuned if n not in base]
    (OUT / "reference-metrics.json").write_text(json.dumps(reference, separators=(",", ":")) + "\n")

    grid = grid_reference(base, tuned)
    (OUT / "reference-grid.json").write_text(json.dumps(grid, separators=(",", ":")) + "\n")
    (OUT / "reference-histograms.json").write_text(
        json.dumps(histogram_reference(base, tuned, grid), separators=(",", ":")) + "\n")
    (OUT / "synthetic-cases.json").write_text(json.dumps(synthetic_cases(rng), separators=(",", ":")) + "\n")

    # the files must hold what the references were computed from
    for path, sd in [(OUT / "base" / "pytorch_model.bin", base), (OUT / "tuned" / "pytorch_model.bin", tuned)]:
        loaded = torch.load(path)
        assert list(loaded) == list(sd)
        for n, t in loaded.items():
            assert np.array_equal(t.numpy(), sd[n]), n


if __name__ == "__main__":
    main()
