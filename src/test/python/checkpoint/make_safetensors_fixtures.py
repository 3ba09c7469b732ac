#!/usr/bin/env python3
"""Writes the safetensors fixtures of the checkpoint tests and the values they must decode to.

The files follow the safetensors layout byte for byte as the reference library writes it (8-byte little-endian
header length, compact JSON header padded with spaces to a multiple of 8, data right after), built here with
numpy and torch so that the Java reader is checked against an independent producer. Run from the repository
root: /usr/bin/python3 src/test/python/checkpoint/make_safetensors_fixtures.py
"""
import json
import os
import struct
import warnings

import numpy as np
import torch

# 70000 and -1e300 overflow to infinity on purpose
warnings.filterwarnings("ignore", "overflow encountered in cast")

OUT = "src/test/resources/dev/finescope/checkpoint/safetensors"

# float32 sources chosen to hit rounding ties, subnormals, overflow and signed zero in F16 and BF16
F16_SOURCE = np.array([1.0, -2.5, 0.1, 65504.0, 70000.0, 1e-7, 6.1e-5, -0.0, 1.0009765625 + 2**-12, 3.14159],
                      dtype=np.float32)
BF16_SOURCE = np.array([1.0, -2.5, 0.1, 3.0e38, 1e-40, -0.0, 1.00390625, 1.01171875, 3.14159], dtype=np.float32)


def tensors():
    rng = np.random.default_rng(20240602)
    f32 = rng.normal(0, 0.02, size=(2, 3)).astype(np.float32)
    bf16 = torch.from_numpy(BF16_SOURCE.copy()).to(torch.bfloat16)
    return [
        ("encoder.layer.0.attention.self.query.weight", "F32", f32.shape, f32.tobytes(), f32.astype(np.float32)),
        ("f16", "F16", F16_SOURCE.shape, F16_SOURCE.astype(np.float16).tobytes(),
         F16_SOURCE.astype(np.float16).astype(np.float32)),
        ("bf16", "BF16", BF16_SOURCE.shape, bf16.view(torch.int16).numpy().tobytes(), bf16.float().numpy()),
        ("f64", "F64", (2,), np.array([0.1, -1e300], dtype=np.float64).tobytes(),
         np.array([0.1, -1e300], dtype=np.float64).astype(np.float32)),
        ("position_ids", "I64", (1, 3), np.array([[0, 1, -7]], dtype=np.int64).tobytes(),
         np.array([0, 1, -7], dtype=np.float32)),
        ("i32", "I32", (2,), np.array([123456, -5], dtype=np.int32).tobytes(), np.array([123456, -5], dtype=np.float32)),
        ("i16", "I16", (2,), np.array([-300, 7], dtype=np.int16).tobytes(), np.array([-300, 7], dtype=np.float32)),
        ("i8", "I8", (3,), np.array([-128, 0, 127], dtype=np.int8).tobytes(), np.array([-128, 0, 127], dtype=np.float32)),
        ("mask", "U8", (2, 2), np.array([[0, 1], [255, 3]], dtype=np.uint8).tobytes(),
         np.array([0, 1, 255, 3], dtype=np.float32)),
        ("flags", "BOOL", (3,), np.array([True, False, True]).tobytes(), np.array([1, 0, 1], dtype=np.float32)),
        ("scalar", "F32", (), np.array(2.5, dtype=np.float32).tobytes(), np.array([2.5], dtype=np.float32)),
        ("empty", "F32", (0, 4), b"", np.zeros(0, dtype=np.float32)),
    ]


def write_safetensors(path, entries, metadata):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, data, _ in entries:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for entry in entries:
            f.write(entry[3])


def expectation(entries):
    return {name: {"dtype": dtype, "shape": list(shape), "bytes": data.hex(),
                   "float_bits": [int(b) for b in np.asarray(values, dtype=np.float32).reshape(-1).view(np.uint32)]}
            for name, dtype, shape, data, values in entries}


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = tensors()
    write_safetensors(os.path.join(OUT, "mixed.safetensors"), entries, {"format": "pt", "note": "fixture"})

    # the same tensors in two shards with a Hugging Face index
    sharded = os.path.join(OUT, "sharded")
    os.makedirs(sharded, exist_ok=True)
    first, second = entries[:5], entries[5:]
    names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    write_safetensors(os.path.join(sharded, names[0]), first, {"format": "pt"})
    write_safetensors(os.path.join(sharded, names[1]), second, {"format": "pt"})
    weight_map = {e[0]: names[0] for e in first}
    weight_map.update({e[0]: names[1] for e in second})
    total = sum(len(e[3]) for e in entries)
    with open(os.path.join(sharded, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)

    expected = {
        "metadata": {"format": "pt", "note": "fixture"},
        "order": [e[0] for e in entries],
        "tensors": expectation(entries),
        # what a writer must produce when given these float32 values as F16 / BF16 (round to nearest even)
        "f16_source_bits": [int(b) for b in F16_SOURCE.view(np.uint32)],
        "f16_expected_bytes": F16_SOURCE.astype(np.float16).tobytes().hex(),
        "bf16_source_bits": [int(b) for b in BF16_SOURCE.view(np.uint32)],
        "bf16_expected_bytes": torch.from_numpy(BF16_SOURCE.copy()).to(torch.bfloat16)
            .view(torch.int16).numpy().tobytes().hex(),
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
