#!/usr/bin/env python3
"""Writes the overlay fixtures: an overlay made by numpy alone (not by FineScope's writer), the values base ⊕ overlay
must have, and the base fingerprints computed independently from the safetensors file and from the PyTorch .bin.

Run from the repository root with Debian's python3-torch and numpy (after make_fixtures.py):

    /usr/bin/python3 src/test/python/checkpoint/make_overlay_fixtures.py

Seeded: running it twice writes the same files. Outputs, under src/test/resources/fixtures/overlay/:

  numpy-overlay.safetensors   an overlay/1 file on tiny-bert/base: one replaced matrix
                              (bert.encoder.layer.1.attention.self.query.weight), two masks packed with
                              np.packbits(kept, bitorder="little") (bit 1 = kept; FFN-in of layer 0 at about 30%
                              zeros, the pooler bias at 25%), and a 3-label head (classifier.weight [3, 32],
                              classifier.bias [3]) that replaces the base's 2-label classifier
  numpy-combined.safetensors  the tensors of base ⊕ overlay that differ from the base, as numpy computes them
                              (masked entries are +0.0)
  expected.json               fingerprints (both algorithms defined in Fingerprint.java: the single-stream SHA-256
                              that the overlay above records, and sha256-tree-v2) of tiny-bert/base read from
                              model.safetensors and from pytorch_model.bin, and of tiny-bert/tuned; the overlay's
                              mask counts

and the seeds of OverlayFuzzTest under src/test/resources/dev/finescope/checkpoint/overlay/OverlayFuzzTestInputs/:
the valid overlay and broken copies of it (truncated, a mask one byte short, an unknown format, a replaced tensor of
the wrong shape, bad JSON in the masks).
"""
import hashlib
import json
import pathlib
import struct

import numpy as np
import torch

FIXTURES = pathlib.Path("src/test/resources/fixtures")
BASE = FIXTURES / "tiny-bert" / "base"
TUNED = FIXTURES / "tiny-bert" / "tuned"
OUT = FIXTURES / "overlay"
SEEDS = pathlib.Path("src/test/resources/dev/finescope/checkpoint/overlay/OverlayFuzzTestInputs/"
                     "anyBytesOpenAndApplyOrRaiseOnlyCheckpointExceptions")
SEED = 20240705

ST_DTYPES = {np.dtype("float32"): "F32", np.dtype("int64"): "I64", np.dtype("uint8"): "U8",
             np.dtype("float16"): "F16"}
NP_DTYPES = {"F32": "<f4", "I64": "<i8", "U8": "u1", "F16": "<f2", "I32": "<i4"}

REPLACED = "bert.encoder.layer.1.attention.self.query.weight"
MASKS = {"bert.encoder.layer.0.intermediate.dense.weight": 0.30, "bert.pooler.dense.bias": 0.25}
LABELS = ["negative", "neutral", "positive"]


def read_safetensors(path):
    """name -> (dtype name, shape, raw bytes); and the metadata."""
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        out[name] = (e["dtype"], tuple(e["shape"]), raw[8 + n + b:8 + n + end])
    return out, meta


def write_safetensors(path, tensors, metadata):
    """tensors: name -> (dtype name, shape, raw little-endian bytes), in file order."""
    header = {"__metadata__": metadata}
    data = bytearray()
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    blob = struct.pack("<Q", len(text)) + text + bytes(data)
    path.write_bytes(blob)
    return blob


def fingerprint(tensors):
    """tensors: name -> (dtype name, shape, raw little-endian bytes)."""
    sha = hashlib.sha256()
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        sha.update(name.encode("utf-8") + b"\0")
        sha.update(dtype.encode("ascii") + b"\0")
        sha.update(struct.pack("<q", len(shape)))
        for d in shape:
            sha.update(struct.pack("<q", d))
        sha.update(raw)
    return sha.hexdigest()


TREE_CHUNK_BYTES = 1 << 23


def fingerprint_tree(tensors, chunk=TREE_CHUNK_BYTES):
    """sha256-tree-v2 (Fingerprint.java): SHA-256 of each chunk of C bytes of a tensor, a SHA-256 per tensor over
    its header, its byte length and its chunk digests, and a SHA-256 over the tensor digests in name order."""
    root = hashlib.sha256(b"sha256-tree-v2\0" + struct.pack("<q", len(tensors)))
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        record = hashlib.sha256()
        record.update(name.encode("utf-8") + b"\0")
        record.update(dtype.encode("ascii") + b"\0")
        record.update(struct.pack("<q", len(shape)))
        for d in shape:
            record.update(struct.pack("<q", d))
        record.update(struct.pack("<q", len(raw)))
        for k in range(0, len(raw), chunk):
            record.update(hashlib.sha256(raw[k:k + chunk]).digest())
        root.update(record.digest())
    return "sha256-tree-v2:" + root.hexdigest()


def torch_tensors(path):
    sd = torch.load(path, map_location="cpu")
    out = {}
    for name, t in sd.items():
        a = t.detach().contiguous().numpy()
        out[name] = (ST_DTYPES[a.dtype], tuple(a.shape), a.astype(a.dtype.newbyteorder("<")).tobytes())
    return out


def values(entry):
    dtype, shape, raw = entry
    return np.frombuffer(raw, dtype=NP_DTYPES[dtype]).reshape(shape)


def f32(a):
    a = np.ascontiguousarray(a, dtype="<f4")
    return ("F32", a.shape, a.tobytes())


def main():
    rng = np.random.default_rng(SEED)
    base, _ = read_safetensors(BASE / "model.safetensors")
    tuned, _ = read_safetensors(TUNED / "model.safetensors")
    fp_st = fingerprint(base)
    fp_bin = fingerprint(torch_tensors(BASE / "pytorch_model.bin"))
    assert fp_st == fp_bin, (fp_st, fp_bin)

    replaced = values(base[REPLACED]) + rng.normal(0, 0.01, size=base[REPLACED][1]).astype(np.float32)
    tensors = {REPLACED: f32(replaced)}
    combined = {REPLACED: f32(replaced)}
    mask_meta = {}
    for name, share in MASKS.items():
        w = values(base[name])
        kept = rng.random(w.shape) >= share
        packed = np.packbits(kept.ravel().astype(np.uint8), bitorder="little")
        tensors["mask::" + name] = ("U8", (packed.size,), packed.tobytes())
        mask_meta[name] = {"shape": list(w.shape), "kept": int(kept.sum()), "zeroed": int(kept.size - kept.sum()),
                           "bit_order": "lsb0-kept"}
        masked = np.where(kept, w, np.float32(0.0)).astype(np.float32)
        assert not np.signbit(masked[~kept]).any()
        combined[name] = f32(masked)
    head_w = rng.normal(0, 0.02, size=(len(LABELS), 32)).astype(np.float32)
    head_b = np.array([0.01, -0.02, 0.03], dtype=np.float32)
    tensors["classifier.weight"] = f32(head_w)
    tensors["classifier.bias"] = f32(head_b)
    combined["classifier.weight"] = f32(head_w)
    combined["classifier.bias"] = f32(head_b)

    metadata = {
        "format": "pt",
        "finescope.format": "overlay/1",
        "finescope.base_fingerprint": fp_st,
        "finescope.base_label": "base",
        "finescope.base_hint": "../tiny-bert/base",
        "finescope.masks": json.dumps(mask_meta),
        "finescope.head": json.dumps(["classifier.weight", "classifier.bias"]),
        "finescope.plan": json.dumps({"default": "FREEZE", "note": "written by make_overlay_fixtures.py"}),
        "finescope.metrics": json.dumps({"accuracy": 0.75}),
        "finescope.labels": json.dumps(LABELS),
        "finescope.provenance": json.dumps({"data_hash": "sha256:0000", "seed": str(SEED),
                                            "finescope_version": "fixture", "djl_version": "none"}),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    blob = write_safetensors(OUT / "numpy-overlay.safetensors", tensors, metadata)
    write_safetensors(OUT / "numpy-combined.safetensors", combined, {"format": "pt"})
    expected = {
        "base_fingerprint": fp_st,
        "base_fingerprint_from_bin": fp_bin,
        "tuned_fingerprint": fingerprint(tuned),
        "base_fingerprint_v2": fingerprint_tree(base),
        "base_fingerprint_v2_from_bin": fingerprint_tree(torch_tensors(BASE / "pytorch_model.bin")),
        "tuned_fingerprint_v2": fingerprint_tree(tuned),
        # the same definition with chunks of 1000 bytes, so that the tiny tensors span several chunks
        "base_fingerprint_v2_chunk_1000": fingerprint_tree(base, 1000),
        "masks": mask_meta,
        "labels": LABELS,
    }
    (OUT / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")

    SEEDS.mkdir(parents=True, exist_ok=True)
    (SEEDS / "valid").write_bytes(blob)
    (SEEDS / "truncated").write_bytes(blob[:len(blob) - 100])
    short = dict(tensors)
    name = "mask::bert.pooler.dense.bias"
    short[name] = ("U8", (3,), short[name][2][:3])
    write_safetensors(SEEDS / "mask-one-byte-short", short, metadata)
    write_safetensors(SEEDS / "unknown-format", tensors, dict(metadata, **{"finescope.format": "overlay/9"}))
    wrong = dict(tensors)
    wrong[REPLACED] = f32(replaced[:, :16])
    write_safetensors(SEEDS / "replaced-wrong-shape", wrong, metadata)
    write_safetensors(SEEDS / "masks-bad-json", tensors, dict(metadata, **{"finescope.masks": "{\"a\": "}))
    print("base fingerprint", fp_st)


if __name__ == "__main__":
    main()
