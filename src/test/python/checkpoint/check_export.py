#!/usr/bin/env python3
"""Checks a Hugging Face folder exported from base ⊕ overlay with numpy alone, independently of FineScope's readers.

    /usr/bin/python3 src/test/python/checkpoint/check_export.py EXPORT_FOLDER BASE_SAFETENSORS OVERLAY_SAFETENSORS

Prints one JSON object: the exported tensors' shapes and dtypes, and for each exported tensor whether its bytes are
what base ⊕ overlay must give: the overlay's values for replaced and head tensors, the base's values with zeros where
the overlay's mask bit is 0 (np.unpackbits(bits, bitorder="little"), 1 = kept) for masked ones, the base's bytes for
all others. HuggingFaceExportTest runs it when /usr/bin/python3 has numpy.
"""
import json
import pathlib
import struct
import sys

import numpy as np

NP_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "U8": "u1", "BF16": "<u2"}


def read(path):
    raw = pathlib.Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        a = np.frombuffer(raw[8 + n + b:8 + n + end], dtype=NP_DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = (e["dtype"], a)
    return out, meta


def base_name(name, base):
    if name in base:
        return name
    if name.startswith("bert.") and name[5:] in base:
        return name[5:]
    return None


def main():
    folder, base_file, overlay_file = sys.argv[1:4]
    exported, meta = read(pathlib.Path(folder) / "model.safetensors")
    base, _ = read(base_file)
    overlay, ometa = read(overlay_file)
    masks = json.loads(ometa["finescope.masks"])
    result = {"format": meta.get("format"), "shapes": {}, "dtypes": {}, "equal": {}}
    for name, (dtype, values) in exported.items():
        result["shapes"][name] = list(values.shape)
        result["dtypes"][name] = dtype
        source = base_name(name, base)
        if name in overlay:
            expected = overlay[name][1]
        elif source is not None and source in masks:
            bits = overlay["mask::" + source][1]
            kept = np.unpackbits(bits, bitorder="little")[:base[source][1].size].reshape(base[source][1].shape)
            expected = np.where(kept == 1, base[source][1], np.zeros((), dtype=base[source][1].dtype))
        elif source is not None:
            expected = base[source][1]
        else:
            result["equal"][name] = False
            continue
        result["equal"][name] = expected.dtype == values.dtype and expected.tobytes() == values.tobytes()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
