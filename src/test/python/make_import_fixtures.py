#!/usr/bin/python3
"""Writes the tiny models the importer tests read, in the formats real tools write them.

One tiny BERT (2 layers, hidden 32, 4 heads, FFN 64, vocab 96, 16 positions) with Hugging Face module names
is built in PyTorch from a fixed seed. From it come:

  tiny-bert.onnx                 torch.onnx.export (the real producer), opset 11 as the MiniLM jar: anonymous
                                 [in, out] MatMul weights, decomposed LayerNorm, Erf gelu
  tiny-bert-q.onnx               the same graph rewritten the way onnxruntime's dynamic quantiser does it:
                                 MatMulInteger + Cast + Mul with per-channel int8 weights, embeddings as uint8
                                 tables behind Gather + DequantizeLinear (per-tensor), scales and zero points in
                                 packed float_data / int32_data as in all-minilm-l6-v2-q.onnx
  tiny-bert-tokenizer.json       a WordPiece tokenizer.json for the vocabulary
  tf/bert_model.ckpt.index       a TensorFlow tensor bundle written byte for byte in TF's format: an SSTable
  tf/bert_model.ckpt.data-00000-of-00001   (LevelDB table: prefix-compressed keys, restart points, masked
  tf/bert_config.json, tf/vocab.txt        CRC-32C block trailers, footer + magic) of BundleEntryProto values,
                                 the BundleHeaderProto under the empty key, Google's variable names (kernels
                                 [in, out]), the pooler, the masked-LM and next-sentence heads, two Adam slots
                                 and global_step (which an import must drop)
  reference.json                 the tensors an import must produce, under Hugging Face names: shape, SHA-256
                                 of the little-endian float32 bytes, and the first values; the configuration

No TensorFlow or onnx package is needed: protobuf messages and the table are encoded here by hand.
Run from the repository root:  /usr/bin/python3 src/test/python/make_import_fixtures.py
"""

import hashlib
import io
import json
import math
import os
import struct

import numpy as np
import torch
from torch import nn

OUT = os.path.join("src", "test", "resources", "fixtures", "import")
SEED = 20240611
LAYERS, HIDDEN, HEADS, FFN, VOCAB, POSITIONS, TYPES = 2, 32, 4, 64, 96, 16, 2
EPS = 1e-12


# ---------------------------------------------------------------- the model, with Hugging Face module names

class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB, HIDDEN)
        self.position_embeddings = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPES, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.register_buffer("position_ids", torch.arange(POSITIONS).unsqueeze(0))

    def forward(self, input_ids, token_type_ids):
        seq = input_ids.size(1)
        pos = self.position_ids[:, :seq]
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = x + self.position_embeddings(pos)
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)

    def heads(self, x):
        return x.view(x.size()[:-1] + (HEADS, HIDDEN // HEADS)).permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q, k, v = self.heads(self.query(x)), self.heads(self.key(x)), self.heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(HIDDEN // HEADS) + mask
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v).permute(0, 2, 1, 3)
        return ctx.reshape(ctx.size()[:-2] + (HIDDEN,))


class DenseNorm(nn.Module):
    def __init__(self, fan_in):
        super().__init__()
        self.dense = nn.Linear(fan_in, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=EPS)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        setattr(self, "self", SelfAttention())
        self.output = DenseNorm(HIDDEN)

    def forward(self, x, mask):
        return self.output(getattr(self, "self")(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, FFN)

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = Attention()
        self.intermediate = Intermediate()
        self.output = DenseNorm(FFN)

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([Layer() for _ in range(LAYERS)])

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class TinyBert(nn.Module):
    """BertModel without pooler output, as sentence-transformers exports it (last_hidden_state only)."""

    def __init__(self):
        super().__init__()
        self.embeddings = Embeddings()
        self.encoder = Encoder()

    def forward(self, input_ids, attention_mask, token_type_ids):
        mask = (1.0 - attention_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        return self.encoder(self.embeddings(input_ids, token_type_ids), mask)


def build_model():
    torch.manual_seed(SEED)
    model = TinyBert()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.05 * torch.randn_like(p))
            else:
                p.copy_(0.05 * torch.randn_like(p))
    model.eval()
    return model


def extra_heads():
    """Pooler, masked-LM and next-sentence heads: Google's checkpoints have them, ONNX exports do not."""
    g = torch.Generator().manual_seed(SEED + 1)

    def r(*shape, scale=0.05, base=0.0):
        return (base + scale * torch.randn(*shape, generator=g)).numpy().astype(np.float32)

    return {
        "pooler.dense.weight": r(HIDDEN, HIDDEN),
        "pooler.dense.bias": r(HIDDEN),
        "cls.predictions.bias": r(VOCAB),
        "cls.predictions.transform.dense.weight": r(HIDDEN, HIDDEN),
        "cls.predictions.transform.dense.bias": r(HIDDEN),
        "cls.predictions.transform.LayerNorm.weight": r(HIDDEN, scale=0.1, base=1.0),
        "cls.predictions.transform.LayerNorm.bias": r(HIDDEN),
        "cls.seq_relationship.weight": r(2, HIDDEN),
        "cls.seq_relationship.bias": r(2),
    }


# ---------------------------------------------------------------- protobuf, by hand

def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wire):
    return varint((field << 3) | wire)


def f_varint(field, v):
    return tag(field, 0) + varint(v)


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return tag(field, 2) + varint(len(b)) + b


def f_fixed32(field, v):
    return tag(field, 5) + struct.pack("<I", v & 0xFFFFFFFF)


def read_varint(b, p):
    r, s = 0, 0
    while True:
        c = b[p]
        p += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, p


def fields(b):
    """Decodes one message level into (field, wire type, raw value) triples."""
    out, p = [], 0
    while p < len(b):
        t, p = read_varint(b, p)
        f, w = t >> 3, t & 7
        if w == 0:
            v, p = read_varint(b, p)
        elif w == 2:
            n, p = read_varint(b, p)
            v = b[p:p + n]
            p += n
        elif w == 5:
            v = b[p:p + 4]
            p += 4
        elif w == 1:
            v = b[p:p + 8]
            p += 8
        else:
            raise ValueError("wire type %d" % w)
        out.append((f, w, v))
    return out


def encode(triples):
    out = bytearray()
    for f, w, v in triples:
        if w == 0:
            out += f_varint(f, v)
        elif w == 2:
            out += f_bytes(f, v)
        else:
            out += tag(f, w) + v
    return bytes(out)


# ---------------------------------------------------------------- ONNX

def export_onnx(model):
    ids = torch.tensor([[2, 17, 33, 5, 3, 0]]) % VOCAB
    mask = torch.tensor([[1, 1, 1, 1, 1, 0]])
    types = torch.zeros_like(ids)
    buf = io.BytesIO()
    torch.onnx.export(model, (ids, mask, types), buf, opset_version=11,
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["last_hidden_state"],
                      dynamic_axes={n: {0: "batch", 1: "sequence"} for n in
                                    ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
                      do_constant_folding=True)
    return buf.getvalue()


def onnx_tensor(name, array, data_type, packed=None):
    """A TensorProto; packed='float' or 'int32' stores the values in the typed field instead of raw_data."""
    out = b"".join(f_varint(1, d) for d in array.shape) + f_varint(2, data_type)
    if packed == "float":
        out += f_bytes(4, array.astype("<f4").tobytes())
    elif packed == "int32":
        out += f_bytes(5, b"".join(varint(int(v)) for v in array.reshape(-1)))
    else:
        out += f_bytes(9, array.tobytes())
    return out + f_bytes(8, name)


def onnx_node(op, inputs, outputs, name, attributes=b""):
    return (b"".join(f_bytes(1, i) for i in inputs) + b"".join(f_bytes(2, o) for o in outputs)
            + f_bytes(3, name) + f_bytes(4, op) + attributes)


def parse_tensor(b):
    dims, dt, name, raw = [], 0, "", None
    for f, w, v in fields(b):
        if f == 1:
            dims.append(v)
        elif f == 2:
            dt = v
        elif f == 8:
            name = v.decode()
        elif f == 9:
            raw = v
    return name, dims, dt, raw


def parse_node(b):
    n = {"in": [], "out": [], "name": "", "op": "", "attr": b""}
    for f, w, v in fields(b):
        if f == 1:
            n["in"].append(v.decode())
        elif f == 2:
            n["out"].append(v.decode())
        elif f == 3:
            n["name"] = v.decode()
        elif f == 4:
            n["op"] = v.decode()
        elif f == 5:
            n["attr"] += f_bytes(5, v)
    return n


def quantize_onnx(fp_bytes):
    """Rewrites the fp32 export as onnxruntime's quantize_dynamic does (per-channel weights, uint8 tables)."""
    top = fields(fp_bytes)
    graph = [v for f, w, v in top if f == 7][0]
    gfields = fields(graph)
    inits = {}
    for f, w, v in gfields:
        if f == 5:
            name, dims, dt, raw = parse_tensor(v)
            inits[name] = (dims, dt, raw)
    nodes = [parse_node(v) for f, w, v in gfields if f == 1]
    new_inits, new_nodes, expected = [], [], {}
    quantized_tables = set()
    for name, (dims, dt, raw) in inits.items():
        if name.startswith("embeddings.") and name.endswith("_embeddings.weight"):
            a = np.frombuffer(raw, dtype="<f4").reshape(dims)
            lo, hi = min(float(a.min()), 0.0), max(float(a.max()), 0.0)
            scale = np.float32((hi - lo) / 255.0)
            zp = np.uint8(round(-lo / float(scale)))
            q = np.clip(np.round(a / scale) + int(zp), 0, 255).astype(np.uint8)
            new_inits += [onnx_tensor(name + "_scale", np.array(scale, dtype=np.float32), 1, packed="float"),
                          onnx_tensor(name + "_zero_point", np.array(zp, dtype=np.uint8), 2, packed="int32"),
                          onnx_tensor(name + "_quantized", q, 2)]
            expected[name] = (q.astype(np.float32) - np.float32(zp)) * scale
            quantized_tables.add(name)
    act = {}
    for n in nodes:
        if n["op"] == "Gather" and n["in"][0] in quantized_tables:
            table = n["in"][0]
            out = n["out"][0]
            new_nodes.append(onnx_node("Gather", [table + "_quantized", n["in"][1]], [out + "_quantized"],
                                       n["name"], n["attr"]))
            new_nodes.append(onnx_node("DequantizeLinear", [out + "_quantized", table + "_scale",
                                                            table + "_zero_point"], [out],
                                       out + "_DequantizeLinear"))
        elif n["op"] == "MatMul" and n["in"][1] in inits:
            w_name = n["in"][1]
            dims, dt, raw = inits[w_name]
            w = np.frombuffer(raw, dtype="<f4").reshape(dims)  # [in, out]
            amax = np.maximum(np.abs(w).max(axis=0), 1e-8).astype(np.float32)  # per output column
            scale = (amax / np.float32(127.0)).astype(np.float32)
            q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
            zp = np.zeros(dims[1], dtype=np.int8)
            new_inits += [onnx_tensor(w_name + "_scale", scale, 1, packed="float"),
                          onnx_tensor(w_name + "_zero_point", zp, 3, packed="int32"),
                          onnx_tensor(w_name + "_quantized", q, 3)]
            expected[w_name] = (q.astype(np.float32) - zp.astype(np.float32)) * scale
            x = n["in"][0]
            if x not in act:
                act[x] = (x + "_quantized", x + "_scale", x + "_zero_point")
                new_nodes.append(onnx_node("DynamicQuantizeLinear", [x], list(act[x]), x + "_QuantizeLinear"))
            xq, xs, xz = act[x]
            out = n["out"][0]
            base = n["name"]
            new_nodes.append(onnx_node("Mul", [xs, w_name + "_scale"], [base + "_quant_scales_mul:0"],
                                       base + "_quant_scales_mul"))
            new_nodes.append(onnx_node("MatMulInteger", [xq, w_name + "_quantized", xz, w_name + "_zero_point"],
                                       [out + "_output_quantized"], base + "_quant"))
            to_float = f_bytes(5, f_bytes(1, "to") + f_varint(3, 1) + f_varint(20, 2))
            new_nodes.append(onnx_node("Cast", [out + "_output_quantized"], [out + "_output_quantized_cast_output"],
                                       out + "_output_quantized_cast", to_float))
            new_nodes.append(onnx_node("Mul", [out + "_output_quantized_cast_output", base + "_quant_scales_mul:0"],
                                       [out], base + "_quant_output_scale_mul"))
        else:
            new_nodes.append(onnx_node(n["op"], n["in"], n["out"], n["name"], n["attr"]))
    quantized_weights = set(expected) - quantized_tables
    for name, (dims, dt, raw) in inits.items():
        if name not in quantized_tables and name not in quantized_weights:
            new_inits.append(onnx_tensor(name, np.frombuffer(raw, dtype={1: "<f4", 7: "<i8"}[dt]).reshape(dims), dt))
    new_graph = [(1, 2, n) for n in new_nodes]
    new_graph += [(f, w, v) for f, w, v in gfields if f not in (1, 5)]
    new_graph += [(5, 2, t) for t in new_inits]
    model = [(1, 0, 6), (2, 2, b"onnx.quantize"), (3, 2, b"0.1.0")]
    model += [(f, w, v) for f, w, v in top if f == 8]
    model += [(7, 2, encode(new_graph))]
    return encode(model), expected


def anonymous_weights(fp_bytes):
    """fp32 export: which anonymous MatMul initializer is which HF matrix (the test must find the same)."""
    top = fields(fp_bytes)
    graph = [v for f, w, v in top if f == 7][0]
    gfields = fields(graph)
    inits = {}
    for f, w, v in gfields:
        if f == 5:
            name, dims, dt, raw = parse_tensor(v)
            inits[name] = (dims, raw)
    nodes = [parse_node(v) for f, w, v in gfields if f == 1]
    out = {}
    for n in nodes:
        if n["op"] == "MatMul" and n["in"][1] in inits:
            for m in nodes:
                if m["op"] == "Add" and n["out"][0] in m["in"]:
                    bias = [i for i in m["in"] if i != n["out"][0]][0]
                    out[bias[:-len(".bias")] + ".weight"] = n["in"][1]
    return out, inits


# ---------------------------------------------------------------- TensorFlow tensor bundle

CRC_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    CRC_TABLE.append(c)


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def block_bytes(entries, restart_interval):
    out, restarts, last = bytearray(), [], b""
    for i, (k, v) in enumerate(entries):
        if i % restart_interval == 0:
            restarts.append(len(out))
            shared = 0
        else:
            shared = 0
            while shared < min(len(last), len(k)) and last[shared] == k[shared]:
                shared += 1
        out += varint(shared) + varint(len(k) - shared) + varint(len(v)) + k[shared:] + v
        last = k
    if not restarts:
        restarts = [0]
    for r in restarts:
        out += struct.pack("<I", r)
    out += struct.pack("<I", len(restarts))
    return bytes(out)


def write_table(entries, block_size=256):
    """A LevelDB table as TensorFlow's table builder writes it (no compression)."""
    out = bytearray()

    def emit(contents):
        off = len(out)
        out.extend(contents)
        out.append(0)  # kNoCompression
        out.extend(struct.pack("<I", masked_crc(contents + b"\x00")))
        return off, len(contents)

    index, pending = [], []
    for k, v in entries:
        pending.append((k, v))
        if sum(len(a) + len(b) + 3 for a, b in pending) >= block_size:
            handle = emit(block_bytes(pending, 16))
            index.append((pending[-1][0], varint(handle[0]) + varint(handle[1])))
            pending = []
    if pending:
        handle = emit(block_bytes(pending, 16))
        index.append((pending[-1][0], varint(handle[0]) + varint(handle[1])))
    meta = emit(block_bytes([], 16))
    idx = emit(block_bytes(index, 1))
    footer = varint(meta[0]) + varint(meta[1]) + varint(idx[0]) + varint(idx[1])
    footer += b"\x00" * (40 - len(footer)) + struct.pack("<Q", 0xDB4775248B80FB57)
    return bytes(out + footer)


def tf_name(hf):
    """The Google BERT name of a Hugging Face tensor, and whether TF stores it transposed."""
    if hf.startswith("cls."):
        n = hf
    else:
        n = "bert." + hf
    n = n.replace("cls.predictions.bias", "cls.predictions.output_bias")
    n = n.replace("cls.seq_relationship.weight", "cls.seq_relationship.output_weights")
    n = n.replace("cls.seq_relationship.bias", "cls.seq_relationship.output_bias")
    parts = n.split(".")
    out, transpose = [], False
    i = 0
    while i < len(parts):
        p = parts[i]
        if p == "layer" and i + 1 < len(parts) and parts[i + 1].isdigit():
            out.append("layer_" + parts[i + 1])
            i += 2
            continue
        out.append(p)
        i += 1
    last = out[-1]
    if last == "weight":
        if out[-2].endswith("_embeddings"):
            out = out[:-1]
        elif out[-2] == "LayerNorm":
            out[-1] = "gamma"
        else:
            out[-1] = "kernel"
            transpose = True
    elif last == "bias" and out[-2] == "LayerNorm":
        out[-1] = "beta"
    return "/".join(out), transpose


def write_bundle(tensors, prefix):
    """tensors: {tf name: numpy array}, written in key order as TF's BundleWriter does."""
    data = bytearray()
    entries = []
    header = f_varint(1, 1) + f_bytes(3, f_varint(1, 1))
    entries.append((b"", header))
    for name in sorted(tensors):
        a = tensors[name]
        if a.dtype == np.float32:
            dtype, raw = 1, a.astype("<f4").tobytes()
        elif a.dtype == np.int64:
            dtype, raw = 9, a.astype("<i8").tobytes()
        else:
            raise ValueError(a.dtype)
        shape = b"".join(f_bytes(2, f_varint(1, d)) for d in a.shape)
        e = f_varint(1, dtype) + f_bytes(2, shape)
        if len(data):
            e += f_varint(4, len(data))
        e += f_varint(5, len(raw)) + f_fixed32(6, masked_crc(raw))
        entries.append((name.encode(), e))
        data += raw
    entries.sort(key=lambda kv: kv[0])
    with open(prefix + ".index", "wb") as f:
        f.write(write_table(entries))
    with open(prefix + ".data-00000-of-00001", "wb") as f:
        f.write(bytes(data))


# ---------------------------------------------------------------- references

def ref_entry(a):
    a = np.ascontiguousarray(a, dtype="<f4")
    return {"shape": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest(),
            "first": [float(x) for x in a.reshape(-1)[:1]]}


SEEDS = os.path.join("src", "test", "resources", "dev", "finescope", "checkpoint", "imports")


def without_node_names(model):
    """The same model without node names (optional in ONNX): a smaller seed with the same structure."""
    top = fields(model)
    graph = [v for f, w, v in top if f == 7][0]
    new_graph = []
    for f, w, v in fields(graph):
        if f == 1:
            v = encode([t for t in fields(v) if t[0] != 3])
        new_graph.append((f, w, v))
    return encode([(f, w, encode(new_graph) if f == 7 else v) for f, w, v in top])


def write_fuzz_seeds(tf_index):
    """Small valid inputs the fuzz tests start from: a 1-layer, hidden-8 export (fp32 and int8), the TF index."""
    global LAYERS, HIDDEN, HEADS, FFN, VOCAB, POSITIONS
    saved = (LAYERS, HIDDEN, HEADS, FFN, VOCAB, POSITIONS)
    LAYERS, HIDDEN, HEADS, FFN, VOCAB, POSITIONS = 1, 8, 2, 8, 8, 8
    try:
        fp = export_onnx(build_model())
        q, _ = quantize_onnx(fp)
    finally:
        LAYERS, HIDDEN, HEADS, FFN, VOCAB, POSITIONS = saved
    onnx_dir = os.path.join(SEEDS, "OnnxFuzzTestInputs", "onnxWalkerGivesOnlyClearErrors")
    tf_dir = os.path.join(SEEDS, "TfCheckpointFuzzTestInputs", "checkpointIndexGivesOnlyClearErrors")
    for d in (onnx_dir, tf_dir):
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(onnx_dir, "mini-bert.onnx"), "wb") as f:
        f.write(without_node_names(fp))
    with open(os.path.join(onnx_dir, "mini-bert-q.onnx"), "wb") as f:
        f.write(without_node_names(q))
    # the first byte is the fuzz test's flag: 1 verifies checksums, 0 lets the fuzzer past them
    for name in os.listdir(tf_dir):
        os.remove(os.path.join(tf_dir, name))
    with open(os.path.join(tf_dir, "flag-0-bert_model.ckpt.index"), "wb") as f:
        f.write(b"\x00" + tf_index)


def main():
    os.makedirs(os.path.join(OUT, "tf"), exist_ok=True)
    model = build_model()
    state = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()
             if k != "embeddings.position_ids"}
    heads = extra_heads()

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + ["tok%d" % i for i in range(VOCAB - 5)]
    with open(os.path.join(OUT, "tf", "vocab.txt"), "w") as f:
        f.write("".join(t + "\n" for t in vocab))
    tokenizer = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
                 "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                                "strip_accents": None, "lowercase": True},
                 "pre_tokenizer": {"type": "BertPreTokenizer"}, "post_processor": None, "decoder": None,
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(vocab)}}}
    with open(os.path.join(OUT, "tiny-bert-tokenizer.json"), "w") as f:
        json.dump(tokenizer, f, separators=(",", ":"))

    fp = export_onnx(model)
    with open(os.path.join(OUT, "tiny-bert.onnx"), "wb") as f:
        f.write(fp)
    matmuls, onnx_inits = anonymous_weights(fp)
    q, dequantized = quantize_onnx(fp)
    with open(os.path.join(OUT, "tiny-bert-q.onnx"), "wb") as f:
        f.write(q)

    # what the ONNX imports must give: HF BertModel names, matrices [out, in]
    onnx_ref = {k: ref_entry(v) for k, v in state.items()}
    q_ref = dict(onnx_ref)
    for hf, anon in matmuls.items():
        q_ref[hf] = ref_entry(dequantized[anon].T)
    for name in ("word", "position", "token_type"):
        n = "embeddings.%s_embeddings.weight" % name
        q_ref[n] = ref_entry(dequantized[n])

    # TensorFlow: Google names, kernels [in, out], heads, slots and a step counter
    tf = {}
    for hf, a in list(state.items()) + list(heads.items()):
        name, transpose = tf_name(hf)
        tf[name] = np.ascontiguousarray(a.T if transpose else a)
    for slot in ("adam_m", "adam_v"):
        tf["bert/embeddings/LayerNorm/gamma/" + slot] = np.full(HIDDEN, 0.5, dtype=np.float32)
    tf["global_step"] = np.array(1000, dtype=np.int64)
    write_bundle(tf, os.path.join(OUT, "tf", "bert_model.ckpt"))
    config = {"attention_probs_dropout_prob": 0.1, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "hidden_size": HIDDEN, "initializer_range": 0.02, "intermediate_size": FFN,
              "max_position_embeddings": POSITIONS, "num_attention_heads": HEADS, "num_hidden_layers": LAYERS,
              "type_vocab_size": TYPES, "vocab_size": VOCAB}
    with open(os.path.join(OUT, "tf", "bert_config.json"), "w") as f:
        json.dump(config, f, indent=2)
    tf_ref = {}
    for hf, a in list(state.items()) + list(heads.items()):
        key = hf if hf.startswith("cls.") else "bert." + hf
        tf_ref[key] = ref_entry(a)

    reference = {
        "generator": "src/test/python/make_import_fixtures.py",
        "seed": SEED,
        "torch": torch.__version__,
        "config": {"num_hidden_layers": LAYERS, "hidden_size": HIDDEN, "num_attention_heads": HEADS,
                   "intermediate_size": FFN, "vocab_size": VOCAB, "max_position_embeddings": POSITIONS,
                   "type_vocab_size": TYPES, "layer_norm_eps": EPS},
        "onnx_matmul_names": matmuls,
        "onnx": onnx_ref,
        "onnx_q": q_ref,
        "tf": tf_ref,
        "tf_dropped": ["bert/embeddings/LayerNorm/gamma/adam_m", "bert/embeddings/LayerNorm/gamma/adam_v",
                       "global_step"],
    }
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"), sort_keys=True)
    with open(os.path.join(OUT, "tf", "bert_model.ckpt.index"), "rb") as f:
        write_fuzz_seeds(f.read())
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(OUT) for n in ns)
    print("wrote %s: %d bytes in all" % (OUT, total))


if __name__ == "__main__":
    main()
