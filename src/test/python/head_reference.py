#!/usr/bin/env python3
"""Per-head distances of the tiny BERT fixture, computed independently of FineScope in float64 with the
standard library only: reads both model.safetensors files, splits Q/K/V weights by output rows and attention-out
weights by input columns (head size = hidden / heads), and writes reference-heads.json beside the fixture.

    /usr/bin/python3 src/test/python/head_reference.py
"""
import json
import math
import struct
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "resources" / "fixtures" / "tiny-bert"


def read_safetensors(path):
    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            continue
        start, end = info["data_offsets"]
        raw = data[8 + n + start:8 + n + end]
        values = struct.unpack("<%df" % (len(raw) // 4), raw)
        tensors[name] = (info["shape"], values)
    return tensors


def metrics(a, b):
    d = [y - x for x, y in zip(a, b)]
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    nd = math.sqrt(sum(v * v for v in d))
    return {
        "numel": len(a),
        "mean_abs_delta": sum(abs(v) for v in d) / len(a),
        "rel_l2": nd / na,
        "l2": nd,
        "cosine": sum(x * y for x, y in zip(a, b)) / (na * nb),
        "max_abs_delta": max(abs(v) for v in d),
        "frac_changed": sum(1 for x, y in zip(a, b) if x != y) / len(a),
    }


def main():
    config = json.loads((FIXTURE / "base" / "config.json").read_text())
    heads = config["num_attention_heads"]
    base = read_safetensors(FIXTURE / "base" / "model.safetensors")
    tuned = read_safetensors(FIXTURE / "tuned" / "model.safetensors")
    kinds = {"Q": "attention.self.query", "K": "attention.self.key", "V": "attention.self.value",
             "AttnOut": "attention.output.dense"}
    out = {"heads": heads, "layers": config["num_hidden_layers"], "cells": []}
    for layer in range(config["num_hidden_layers"]):
        for kind, part in kinds.items():
            name = next(n for n in base if n.endswith("layer.%d.%s.weight" % (layer, part)))
            (rows, cols), a = base[name]
            _, b = tuned[name]
            by_column = kind == "AttnOut"
            width = (cols if by_column else rows) // heads
            for h in range(heads):
                if by_column:
                    idx = [r * cols + c for r in range(rows) for c in range(h * width, (h + 1) * width)]
                else:
                    idx = [r * cols + c for r in range(h * width, (h + 1) * width) for c in range(cols)]
                m = metrics([a[i] for i in idx], [b[i] for i in idx])
                out["cells"].append({"layer": layer, "kind": kind, "head": h, **m})
    (FIXTURE / "reference-heads.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
