#!/usr/bin/python3
"""Checks an imported MiniLM folder by running it: a plain BERT forward in PyTorch over the folder's
model.safetensors and config.json must give the hidden states the ONNX model itself gave (recorded once with
ONNX Runtime by src/test/onnxruntime/MiniLmOnnxReference.java in minilm-onnx-output.json).

    /usr/bin/python3 src/test/python/check_minilm_forward.py FOLDER [REFERENCE_JSON]

Prints the largest differences and exits 0 when every value is within TOLERANCE, 1 otherwise.
"""

import base64
import json
import math
import os
import struct
import sys

import numpy as np
import torch

TOLERANCE = 1e-4  # ONNX Runtime and PyTorch sum in different orders; weights off by a transpose miss by ~1
DTYPES = {"F32": np.float32, "F16": np.float16}


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        a = np.frombuffer(data[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(a.astype(np.float32))
    return out


def forward(w, cfg, ids):
    p = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""
    eps = cfg["layer_norm_eps"]
    heads = cfg["num_attention_heads"]
    hidden = cfg["hidden_size"]
    ids = torch.tensor(ids)

    def ln(x, name):
        return torch.nn.functional.layer_norm(x, (hidden,), w[name + ".weight"], w[name + ".bias"], eps)

    def lin(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    x = (w[p + "embeddings.word_embeddings.weight"][ids]
         + w[p + "embeddings.position_embeddings.weight"][torch.arange(len(ids))]
         + w[p + "embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)])
    x = ln(x, p + "embeddings.LayerNorm")
    d = hidden // heads
    for layer in range(cfg["num_hidden_layers"]):
        q = p + "encoder.layer.%d." % layer

        def split(t):
            return t.view(len(ids), heads, d).transpose(0, 1)

        qh = split(lin(x, q + "attention.self.query"))
        kh = split(lin(x, q + "attention.self.key"))
        vh = split(lin(x, q + "attention.self.value"))
        att = torch.softmax(qh @ kh.transpose(-1, -2) / math.sqrt(d), dim=-1)
        ctx = (att @ vh).transpose(0, 1).reshape(len(ids), hidden)
        x = ln(lin(ctx, q + "attention.output.dense") + x, q + "attention.output.LayerNorm")
        inter = torch.nn.functional.gelu(lin(x, q + "intermediate.dense"))
        x = ln(lin(inter, q + "output.dense") + x, q + "output.LayerNorm")
    return x


def floats(b64):
    raw = base64.b64decode(b64)
    return np.frombuffer(raw, dtype="<f4")


def main():
    folder = sys.argv[1]
    ref_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        "src", "test", "resources", "fixtures", "import", "minilm-onnx-output.json")
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    with open(ref_path) as f:
        ref = json.load(f)
    w = load_safetensors(os.path.join(folder, "model.safetensors"))
    worst = 0.0
    with torch.no_grad():
        for s in ref["sentences"]:
            h = forward(w, cfg, s["ids"]).numpy()
            diffs = {
                "cls": np.abs(h[0] - floats(s["cls"])).max(),
                "mean": np.abs(h.mean(axis=0) - floats(s["mean"])).max(),
                "token_norms": np.abs(np.linalg.norm(h, axis=1) - np.array(s["token_norms"])).max(),
            }
            worst = max(worst, max(diffs.values()))
            print("%-40s %s" % (s["text"], "  ".join("%s %.2e" % kv for kv in diffs.items())))
    ok = worst <= TOLERANCE
    print("largest difference %.2e, tolerance %.0e: %s" % (worst, TOLERANCE, "same" if ok else "DIFFERENT"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
