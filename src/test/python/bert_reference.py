#!/usr/bin/env python3
"""Reference numbers for FineScope's DJL BERT: the model of Hugging Face `transformers`, written in plain torch.

No `transformers` package is needed (nor available on the build machine). This script implements what
`BertModel` + `BertForSequenceClassification` compute in evaluation mode (transformers 4.x, eager attention):

* embeddings: word + absolute position + token type, then LayerNorm(eps = config.layer_norm_eps);
* extended attention mask (1.0 - mask)[:, None, None, :] * torch.finfo(float32).min added to the scores;
* scores = (Q @ K^T) / sqrt(head_dim), softmax over keys, context = P @ V;
* post-LN layers: LN(dense(ctx) + h), LN(dense(gelu_erf(dense(a))) + a);
* pooler tanh(dense(h[:, 0])), classifier dense(pooled).

It also implements BERT's basic + WordPiece tokenization (as `BertTokenizer` and the `tokenizers` library's
BertNormalizer/BertPreTokenizer/WordPiece do) to give reference token ids.

Usage:
  bert_reference.py tiny OUT_DIR       write the tiny model (model.safetensors, config.json, vocab.txt),
                                       reference.json (a padded batch and every output) and tokens.json
  bert_reference.py forward MODEL_DIR OUT_JSON [--batch B --length T --seed S]
                                       forward a deterministic padded batch through a model folder
  bert_reference.py adamw OUT_JSON      torch.optim.AdamW with three parameter groups and gradient clipping
  bert_reference.py tokenize VOCAB_TXT OUT_JSON
                                       reference token ids of SENTENCES for a vocab.txt (uncased)
"""
import json
import math
import os
import struct
import sys
import unicodedata

import numpy as np
import torch

FLOAT_MIN = torch.finfo(torch.float32).min


# ---------------------------------------------------------------------------------------------- safetensors

def write_safetensors(path, tensors):
    """Hand-encodes the safetensors layout: u64 LE header size, JSON header (8-byte aligned), raw LE data."""
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    kinds = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8"}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        if info["dtype"] == "BF16":
            u16 = np.frombuffer(raw[base + b:base + e], dtype="<u2").astype(np.uint32) << 16
            arr = u16.view(np.float32)
        else:
            arr = np.frombuffer(raw[base + b:base + e], dtype=kinds[info["dtype"]]).astype(np.float32)
        out[name] = torch.from_numpy(arr.reshape(info["shape"]).copy())
    return out


# ------------------------------------------------------------------------------------------------- the model

def strip_prefix(tensors):
    return {(k[5:] if k.startswith("bert.") else k): v for k, v in tensors.items()}


def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def linear(x, w, b):
    return torch.nn.functional.linear(x, w, b)


@torch.no_grad()
def bert_forward(t, config, input_ids, token_type_ids, attention_mask):
    eps = config.get("layer_norm_eps", 1e-12)
    heads = config["num_attention_heads"]
    hidden = config["hidden_size"]
    head_dim = hidden // heads
    bsz, seq = input_ids.shape
    positions = torch.arange(seq).unsqueeze(0)
    x = t["embeddings.word_embeddings.weight"][input_ids]
    x = x + t["embeddings.position_embeddings.weight"][positions]
    if "embeddings.token_type_embeddings.weight" in t:
        x = x + t["embeddings.token_type_embeddings.weight"][token_type_ids]
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    ext = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * FLOAT_MIN
    states = [x]
    for i in range(config["num_hidden_layers"]):
        p = "encoder.layer.%d." % i

        def split(y):
            return y.view(bsz, seq, heads, head_dim).permute(0, 2, 1, 3)

        q = split(linear(x, t[p + "attention.self.query.weight"], t[p + "attention.self.query.bias"]))
        k = split(linear(x, t[p + "attention.self.key.weight"], t[p + "attention.self.key.bias"]))
        v = split(linear(x, t[p + "attention.self.value.weight"], t[p + "attention.self.value.bias"]))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(head_dim)
        scores = scores + ext
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(bsz, seq, hidden)
        a = linear(ctx, t[p + "attention.output.dense.weight"], t[p + "attention.output.dense.bias"])
        a = layer_norm(a + x, t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"],
                       eps)
        h = torch.nn.functional.gelu(
            linear(a, t[p + "intermediate.dense.weight"], t[p + "intermediate.dense.bias"]))
        h = linear(h, t[p + "output.dense.weight"], t[p + "output.dense.bias"])
        x = layer_norm(h + a, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], eps)
        states.append(x)
    out = {"hidden_states": states}
    if "pooler.dense.weight" in t:
        pooled = torch.tanh(linear(x[:, 0], t["pooler.dense.weight"], t["pooler.dense.bias"]))
        out["pooled"] = pooled
    else:
        pooled = x[:, 0]
    if "classifier.weight" in t:
        out["logits"] = linear(pooled, t["classifier.weight"], t["classifier.bias"])
    return out


def to_list(x):
    return x.detach().to(torch.float64).tolist()


def outputs_json(config, input_ids, token_type_ids, attention_mask, out):
    doc = {
        "config": config,
        "input_ids": input_ids.tolist(),
        "token_type_ids": token_type_ids.tolist(),
        "attention_mask": attention_mask.tolist(),
        "hidden_states": [to_list(s) for s in out["hidden_states"]],
    }
    if "pooled" in out:
        doc["pooled"] = to_list(out["pooled"])
    if "logits" in out:
        doc["logits"] = to_list(out["logits"])
    return doc


def padded_batch(vocab_size, lengths, pair_at, generator, cls_id, sep_id, pad_id=0):
    """Random token ids with [CLS] … [SEP] (and a second segment for the rows in pair_at), right-padded."""
    seq = max(lengths)
    ids = torch.full((len(lengths), seq), pad_id, dtype=torch.long)
    types = torch.zeros((len(lengths), seq), dtype=torch.long)
    mask = torch.zeros((len(lengths), seq), dtype=torch.long)
    low = 5 if vocab_size > 10 else 0
    for r, n in enumerate(lengths):
        body = torch.randint(low, vocab_size, (n,), generator=generator)
        body[0] = cls_id
        body[n - 1] = sep_id
        ids[r, :n] = body
        mask[r, :n] = 1
        if r in pair_at:
            half = n // 2
            body[half] = sep_id
            ids[r, :n] = body
            types[r, half + 1:n] = 1
    return ids, types, mask


# -------------------------------------------------------------------------------------------- tokenization

def is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch).startswith("C")


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_chinese(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text, lower=True):
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        cleaned.append(" " if is_whitespace(ch) else ch)
    spaced = []
    for ch in cleaned:
        if is_chinese(ord(ch)):
            spaced += [" ", ch, " "]
        else:
            spaced.append(ch)
    words = "".join(spaced).split()
    out = []
    for w in words:
        if lower:
            w = w.lower()
            w = "".join(c for c in unicodedata.normalize("NFD", w) if unicodedata.category(c) != "Mn")
        cur = ""
        for ch in w:
            if is_punctuation(ch):
                if cur:
                    out.append(cur)
                    cur = ""
                out.append(ch)
            else:
                cur += ch
        if cur:
            out.append(cur)
    return out


def wordpiece(word, vocab, unk="[UNK]", max_chars=100):
    if len(word) > max_chars:
        return [unk]
    pieces = []
    start = 0
    while start < len(word):
        end = len(word)
        cur = None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = "##" + sub
            if sub in vocab:
                cur = sub
                break
            end -= 1
        if cur is None:
            return [unk]
        pieces.append(cur)
        start = end
    return pieces


def tokenize_ids(text, vocab, lower=True):
    ids = []
    for w in basic_tokenize(text, lower):
        ids += [vocab[p] for p in wordpiece(w, vocab)]
    return ids


def truncate_longest_first(a, b, budget):
    """The tokenizers library's LongestFirst (what fast tokenizers, the default of transformers, do): when only
    the longer part must give way it keeps budget - len(shorter); when both must, the shorter part keeps
    budget // 2 and the longer the rest (for equal lengths the second part counts as the longer)."""
    n1, n2 = len(a), len(b)
    if n1 + n2 <= budget:
        return list(a), list(b)
    swap = n1 > n2
    if swap:
        n1, n2 = n2, n1
    n2 = n1 if n1 > budget else max(n1, budget - n1)
    if n1 + n2 > budget:
        n1 = budget // 2
        n2 = n1 + budget % 2
    if swap:
        n1, n2 = n2, n1
    return list(a[:n1]), list(b[:n2])


def encode(a_text, b_text, vocab, max_len, lower=True):
    a = tokenize_ids(a_text, vocab, lower)
    if b_text is None:
        a = a[:max_len - 2]
        ids = [vocab["[CLS]"]] + a + [vocab["[SEP]"]]
        return ids, [0] * len(ids)
    b = tokenize_ids(b_text, vocab, lower)
    a, b = truncate_longest_first(a, b, max_len - 3)
    ids = [vocab["[CLS]"]] + a + [vocab["[SEP]"]] + b + [vocab["[SEP]"]]
    return ids, [0] * (len(a) + 2) + [1] * (len(b) + 1)


SENTENCES = [
    "The cat sat on the mat.",
    "Unhappy cats, playing!",
    "Café naïve résumé — Ünïcödé?",
    "Zebras quixotically jumped",
    "猫 sat on 中文 text",
    "  lots\tof \n whitespace\u00a0here ",
    "don't stop-believing (ok)...",
    "a" * 120,
    "control\u0000chars\ufffd and \u200b zero width",
]
PAIRS = [
    ("The cat sat on the mat.", "Unhappy cats, playing!", 12),
    ("the the the the the the the the", "cat", 8),
    ("cat", "the the the the the the the the", 8),
    ("the cat sat on the mat the cat sat", "the mat sat on the cat the mat", 9),
    ("the cat sat on", "the mat sat on", 8),
    ("the cat sat on the mat", "the mat sat on the", 8),
    ("on", "the mat sat on the cat", 7),
    ("Café naïve résumé", None, 5),
]


def tokens_json(vocab, lower=True):
    singles = []
    for s in SENTENCES:
        singles.append({"text": s, "tokens": [t for w in basic_tokenize(s, lower) for t in wordpiece(w, vocab)],
                        "ids": tokenize_ids(s, vocab, lower)})
    pairs = []
    for a, b, max_len in PAIRS:
        ids, types = encode(a, b, vocab, max_len, lower)
        pairs.append({"a": a, "b": b, "max_len": max_len, "ids": ids, "type_ids": types})
    return {"lower_case": lower, "singles": singles, "pairs": pairs}


# --------------------------------------------------------------------------------------------- tiny fixture

TINY_VOCAB = (["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
              + ["the", "cat", "sat", "on", "mat", "play", "##ing", "##s", "##ed", "un", "##happy", "happy",
                 "caf", "##e", "cafe", "naive", "res", "##ume", "unicode", "##o", "##de", "zebra", "jump",
                 "text", "lots", "of", "white", "##space", "here", "don", "t", "stop", "-", "believe",
                 "believ", "ok", "a", "##a", "control", "chars", "and", "zero", "width", "##d", "##z",
                 "."] + [",", "!", "?", "'", "(", ")", "—", "猫", "中", "文", "e", "i", "o", "u", "s",
                         "##i", "##t", "##r", "##n", "##c", "##h", "##l", "##w", "##p", "##k", "##x", "##y",
                         "q", "##q", "##u", "b", "c", "d", "##b", "##m", "##g", "##v", "##f", "x", "y", "z",
                         "m", "n", "p", "r", "h", "l", "k", "w", "g", "f", "v", "j"])


def make_tiny(out_dir):
    torch.manual_seed(20240611)
    config = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": len(TINY_VOCAB),
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "intermediate_size": 64,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 64,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
        "id2label": {"0": "negative", "1": "positive"},
        "label2id": {"negative": 0, "positive": 1},
    }
    h, f, v = config["hidden_size"], config["intermediate_size"], config["vocab_size"]

    # Larger than BERT's 0.02 init so that every layer's numbers matter in the comparison.
    def normal(*shape, std=0.2):
        return torch.randn(*shape) * std

    t = {}
    t["bert.embeddings.word_embeddings.weight"] = normal(v, h, std=1.0)
    t["bert.embeddings.position_embeddings.weight"] = normal(config["max_position_embeddings"], h, std=0.5)
    t["bert.embeddings.token_type_embeddings.weight"] = normal(2, h, std=0.5)
    t["bert.embeddings.LayerNorm.weight"] = 1.0 + normal(h, std=0.1)
    t["bert.embeddings.LayerNorm.bias"] = normal(h, std=0.1)
    for i in range(config["num_hidden_layers"]):
        p = "bert.encoder.layer.%d." % i
        for name in ("attention.self.query", "attention.self.key", "attention.self.value",
                     "attention.output.dense"):
            t[p + name + ".weight"] = normal(h, h, std=0.3)
            t[p + name + ".bias"] = normal(h, std=0.1)
        t[p + "attention.output.LayerNorm.weight"] = 1.0 + normal(h, std=0.1)
        t[p + "attention.output.LayerNorm.bias"] = normal(h, std=0.1)
        t[p + "intermediate.dense.weight"] = normal(f, h, std=0.3)
        t[p + "intermediate.dense.bias"] = normal(f, std=0.1)
        t[p + "output.dense.weight"] = normal(h, f, std=0.2)
        t[p + "output.dense.bias"] = normal(h, std=0.1)
        t[p + "output.LayerNorm.weight"] = 1.0 + normal(h, std=0.1)
        t[p + "output.LayerNorm.bias"] = normal(h, std=0.1)
    t["bert.pooler.dense.weight"] = normal(h, h, std=0.3)
    t["bert.pooler.dense.bias"] = normal(h, std=0.1)
    t["classifier.weight"] = normal(2, h, std=0.3)
    t["classifier.bias"] = normal(2, std=0.1)

    write_safetensors(out_dir + "/tiny/model.safetensors", t)
    with open(out_dir + "/tiny/config.json", "w") as fh:
        json.dump(config, fh, indent=2)
        fh.write("\n")
    with open(out_dir + "/tiny/vocab.txt", "w", encoding="utf-8") as fh:
        fh.write("\n".join(TINY_VOCAB) + "\n")

    g = torch.Generator().manual_seed(7)
    ids, types, mask = padded_batch(v, [10, 7, 4, 9], {3}, g, cls_id=2, sep_id=3)
    out = bert_forward(strip_prefix(t), config, ids, types, mask)
    with open(out_dir + "/reference.json", "w") as fh:
        json.dump(outputs_json(config, ids, types, mask, out), fh)
        fh.write("\n")

    vocab = {w: i for i, w in enumerate(TINY_VOCAB)}
    with open(out_dir + "/tokens.json", "w", encoding="utf-8") as fh:
        json.dump(tokens_json(vocab), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


# -------------------------------------------------------------------------------------------------- AdamW

def adamw_reference(out_json):
    """Three steps of torch.optim.AdamW on three groups (decayed weights, undecayed vector, mask scores at
    their own rate), with clip_grad_norm_(max_norm) over all of them before each step."""
    torch.manual_seed(5)
    lr, score_lr, wd, max_norm = 1e-2, 1e-1, 0.01, 1.0
    shapes = {"w": (3, 4), "b": (4,), "s": (2, 3)}
    groups = {"w": "WEIGHTS", "b": "NO_DECAY", "s": "SCORES"}
    params = {k: torch.randn(*v).requires_grad_(True) for k, v in shapes.items()}
    init = {k: p.detach().clone() for k, p in params.items()}
    opt = torch.optim.AdamW([
        {"params": [params["w"]], "lr": lr, "weight_decay": wd},
        {"params": [params["b"]], "lr": lr, "weight_decay": 0.0},
        {"params": [params["s"]], "lr": score_lr, "weight_decay": 0.0},
    ], betas=(0.9, 0.999), eps=1e-8)
    doc = {"learning_rate": lr, "score_learning_rate": score_lr, "weight_decay": wd, "max_norm": max_norm,
           "params": {}, "norms": []}
    grads = {k: [] for k in shapes}
    after = {k: [] for k in shapes}
    for step in range(3):
        opt.zero_grad()
        scale = 0.2 if step == 1 else 3.0   # the middle step stays under the clipping norm
        for k, p in params.items():
            g = torch.randn(*shapes[k]) * scale
            grads[k].append(to_list(g))
            p.grad = g.clone()
        norm = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm)
        doc["norms"].append(float(norm))
        opt.step()
        for k, p in params.items():
            after[k].append(to_list(p))
    for k in shapes:
        doc["params"][k] = {"group": groups[k], "shape": list(shapes[k]), "init": to_list(init[k]),
                            "grads": grads[k], "after": after[k]}
    with open(out_json, "w") as fh:
        json.dump(doc, fh)
        fh.write("\n")


# ------------------------------------------------------------------------------------------------ commands

def forward_folder(model_dir, out_json, batch=3, length=12, seed=11):
    with open(model_dir + "/config.json") as fh:
        config = json.load(fh)
    t = strip_prefix(read_safetensors(model_dir + "/model.safetensors"))
    g = torch.Generator().manual_seed(seed)
    lengths = [max(3, length - 3 * r) for r in range(batch)]
    if os.path.exists(model_dir + "/vocab.txt"):
        lines = open(model_dir + "/vocab.txt", encoding="utf-8").read().split("\n")
        vocab = {w: i for i, w in enumerate(lines)}
    else:
        with open(model_dir + "/tokenizer.json", encoding="utf-8") as fh:
            vocab = json.load(fh)["model"]["vocab"]
    cls_id, sep_id = vocab["[CLS]"], vocab["[SEP]"]
    ids, types, mask = padded_batch(config["vocab_size"], lengths, {batch - 1}, g, cls_id, sep_id)
    out = bert_forward(t, config, ids, types, mask)
    with open(out_json, "w") as fh:
        json.dump(outputs_json(config, ids, types, mask, out), fh)


def main(argv):
    if len(argv) >= 2 and argv[0] == "tiny":
        make_tiny(argv[1])
    elif len(argv) >= 3 and argv[0] == "forward":
        opts = dict(zip(argv[3::2], argv[4::2]))
        forward_folder(argv[1], argv[2], int(opts.get("--batch", 3)), int(opts.get("--length", 12)),
                       int(opts.get("--seed", 11)))
    elif len(argv) >= 2 and argv[0] == "adamw":
        adamw_reference(argv[1])
    elif len(argv) >= 3 and argv[0] == "tokenize":
        lines = open(argv[1], encoding="utf-8").read().split("\n")
        vocab = {w: i for i, w in enumerate(lines) if w}
        with open(argv[2], "w", encoding="utf-8") as fh:
            json.dump(tokens_json(vocab), fh, ensure_ascii=False, indent=1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
