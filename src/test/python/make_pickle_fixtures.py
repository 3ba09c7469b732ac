#!/usr/bin/env python3
"""Writes the PyTorch .bin fixtures read by PyTorchBinReaderTest.

Run from the repository root with Debian's python3-torch (1.13):

    /usr/bin/python3 src/test/python/make_pickle_fixtures.py

Outputs, all under src/test/resources/fixtures/pickle/:
  state_dict.bin         torch.save of a small state dict (zip layout, PyTorch >= 1.6)
  state_dict_legacy.bin  the same state dict in the legacy (pre-1.6) format
  state_dict_p4.bin      the same state dict pickled with protocol 4 (torch.save(..., pickle_protocol=4))
  truncated.bin          the first half of state_dict.bin
  non_contiguous.bin     a state dict holding one transposed (column-major) tensor
  hostile.bin            a torch.save zip whose pickle calls os.system (touches HOSTILE_MARKER)
  expected.json          every tensor of state_dict.bin in pickle order: name, dtype, shape, values

and the seeds of PyTorchBinReaderFuzzTest under src/test/resources/dev/finescope/checkpoint/
PyTorchBinReaderFuzzTestInputs/<method>/: the pickles of these files for the pickle fuzzers, the files
themselves for the file fuzzer.
"""
import collections
import json
import os
import pathlib
import zipfile

import torch

OUT = pathlib.Path("src/test/resources/fixtures/pickle")
SEEDS = pathlib.Path("src/test/resources/dev/finescope/checkpoint/PyTorchBinReaderFuzzTestInputs")
PICKLE_FUZZERS = ["unpicklerRaisesOnlyCheckpointExceptions", "pickleInATorchArchiveReadsOrRaisesOnlyCheckpointExceptions"]
FILE_FUZZER = "anyFileReadsOrRaisesOnlyCheckpointExceptions"
HOSTILE_MARKER = "/tmp/finescope-pwned-pickle-fixture"

DTYPE_NAMES = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}


def state_dict():
    g = torch.Generator().manual_seed(20240611)
    sd = collections.OrderedDict()
    sd["embeddings.weight"] = torch.randn(4, 3, generator=g)
    sd["encoder.layer.0.dense.weight"] = torch.nn.Parameter(torch.randn(3, 3, generator=g))
    sd["encoder.layer.0.dense.bias"] = torch.randn(3, generator=g).half()
    # exactly representable in float16: ordinary values, the largest finite, the smallest subnormal
    sd["half.special"] = torch.tensor([1.5, -2.0, 1.0 / 3.0, 65504.0, 2.0 ** -24, -0.0], dtype=torch.float16)
    sd["bf16.weight"] = torch.randn(2, 3, generator=g).to(torch.bfloat16)
    sd["double.values"] = torch.tensor([0.1, -1e300, 3.0], dtype=torch.float64)
    sd["position_ids"] = torch.arange(5, dtype=torch.int64).unsqueeze(0)
    sd["int32.values"] = torch.tensor([-7, 0, 2 ** 31 - 1], dtype=torch.int32)
    sd["int16.values"] = torch.tensor([-300, 300], dtype=torch.int16)
    sd["int8.values"] = torch.tensor([-128, 127], dtype=torch.int8)
    sd["uint8.values"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    sd["mask"] = torch.tensor([True, False, True])
    sd["scalar"] = torch.tensor(2.5)
    # one storage shared by three tensors: the whole, a view at an offset, and a scalar inside it
    shared = torch.arange(12, dtype=torch.float32) * 0.5
    sd["shared.full"] = shared
    sd["shared.view"] = shared[2:8].view(2, 3)
    sd["shared.element"] = shared[11]
    # tied weights: the same tensor object under two names
    sd["decoder.weight"] = sd["embeddings.weight"]
    sd["empty"] = torch.zeros(0, 3)
    # what nn.Module.state_dict() attaches; pickled as a BUILD on the OrderedDict
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("encoder", {"version": 1})])
    return sd


def describe(sd):
    tensors = []
    for name, t in sd.items():
        t = t.detach()
        if t.dtype.is_floating_point:
            values = t.to(torch.float64).flatten().tolist()
        elif t.dtype == torch.bool:
            values = [bool(v) for v in t.flatten().tolist()]
        else:
            values = [int(v) for v in t.flatten().tolist()]
        tensors.append({"name": name, "dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "values": values})
    return {"torch_version": torch.__version__, "tensors": tensors}


class Hostile:
    """Unpickling this calls os.system: what a malicious pytorch_model.bin does."""

    def __reduce__(self):
        return (os.system, ("touch " + HOSTILE_MARKER,))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    sd = state_dict()

    good = OUT / "state_dict.bin"
    torch.save(sd, good)
    assert zipfile.is_zipfile(good)
    torch.save(sd, OUT / "state_dict_legacy.bin", _use_new_zipfile_serialization=False)
    torch.save(sd, OUT / "state_dict_p4.bin", pickle_protocol=4)

    data = good.read_bytes()
    (OUT / "truncated.bin").write_bytes(data[: len(data) // 2])

    non_contiguous = collections.OrderedDict()
    non_contiguous["transposed"] = torch.arange(6, dtype=torch.float32).view(2, 3).t()
    torch.save(non_contiguous, OUT / "non_contiguous.bin")

    hostile = collections.OrderedDict()
    hostile["embeddings.weight"] = torch.ones(2, 2)
    hostile["payload"] = Hostile()
    torch.save(hostile, OUT / "hostile.bin")
    # Prove that the fixture is dangerous for a loader that executes pickles: torch.load runs the command.
    if os.path.exists(HOSTILE_MARKER):
        os.remove(HOSTILE_MARKER)
    torch.load(OUT / "hostile.bin")
    assert os.path.exists(HOSTILE_MARKER), "the hostile fixture did not run its command under torch.load"
    os.remove(HOSTILE_MARKER)

    # Round trip: what we describe is what torch reads back.
    loaded = torch.load(good)
    assert list(loaded.keys()) == list(sd.keys())
    for name, t in sd.items():
        assert torch.equal(loaded[name], t.detach()), name

    with open(OUT / "expected.json", "w") as f:
        json.dump(describe(sd), f, indent=1)
        f.write("\n")

    write_seeds()


def write_seeds():
    files = ["state_dict.bin", "state_dict_p4.bin", "state_dict_legacy.bin", "truncated.bin", "non_contiguous.bin",
             "hostile.bin"]
    for method in PICKLE_FUZZERS + [FILE_FUZZER]:
        (SEEDS / method).mkdir(parents=True, exist_ok=True)
    for name in files:
        data = (OUT / name).read_bytes()
        (SEEDS / FILE_FUZZER / name).write_bytes(data)
        if zipfile.is_zipfile(OUT / name):
            with zipfile.ZipFile(OUT / name) as z:
                pkl = next(n for n in z.namelist() if n.endswith("/data.pkl"))
                data = z.read(pkl)
        for method in PICKLE_FUZZERS:
            (SEEDS / method / name.replace(".bin", ".pkl")).write_bytes(data)


if __name__ == "__main__":
    main()
