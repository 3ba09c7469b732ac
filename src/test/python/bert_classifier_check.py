#!/usr/bin/env python3
"""Loads a folder written by `finescope export` into a plain PyTorch BERT for sequence classification and prints
its logits on sentences, independently of FineScope (and without Hugging Face transformers, which Debian lacks).

    /usr/bin/python3 src/test/python/bert_classifier_check.py EXPORT_FOLDER SENTENCES_TSV

The model below is written from the BERT paper and the layout of transformers' BertForSequenceClassification:
its modules carry the same names, so its state_dict has exactly the keys that class has (no buffers), and the
export is loaded with load_state_dict(strict=True): a missing or unexpected tensor fails. The forward is BERT's,
in eval mode: embeddings (word + position + token type) and LayerNorm, post-LN encoder layers (self-attention with
an additive mask, exact erf GELU), the pooler tanh(dense(h[CLS])) and the classifier on the pooled output.

SENTENCES_TSV is a GLUE single-sentence file (header, then sentence<TAB>label); sentences are lower-cased, split at
whitespace and cut into word pieces by BERT's greedy longest-match-first rule against vocab.txt ([CLS] ... [SEP];
plain words only, as the test's sentences are). Prints one JSON object: {"keys": [...], "logits":
[[...], ...]} in the file's order.
"""
import json
import math
import pathlib
import struct
import sys

import numpy as np
import torch
from torch import nn

NP_DTYPES = {"F32": "<f4", "F16": "<f2", "I64": "<i8", "U8": "u1"}


def read_safetensors(path):
    raw = pathlib.Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        a = np.frombuffer(raw[8 + n + b:8 + n + end], dtype=NP_DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = torch.from_numpy(a.astype(np.float32))
    return out


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, ids, types):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.word_embeddings(ids) + self.position_embeddings(positions) + self.token_type_embeddings(types)
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)

    def forward(self, x, additive_mask):
        b, s, h = x.shape
        d = h // self.heads

        def split(y):
            return y.view(b, s, self.heads, d).permute(0, 2, 1, 3)

        scores = split(self.query(x)) @ split(self.key(x)).transpose(-1, -2) / math.sqrt(d) + additive_mask
        return (torch.softmax(scores, dim=-1) @ split(self.value(x))).permute(0, 2, 1, 3).reshape(b, s, h)


class DenseNorm(nn.Module):
    """BertSelfOutput / BertOutput: dense, then LayerNorm over the residual sum."""

    def __init__(self, c, inputs):
        super().__init__()
        self.dense = nn.Linear(inputs, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, y, residual):
        return self.LayerNorm(self.dense(y) + residual)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = SelfAttention(c)
        self.output = DenseNorm(c, c["hidden_size"])

    def forward(self, x, mask):
        return self.output(self.self(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = DenseNorm(c, c["intermediate_size"])

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, x, mask):
        for layer in self.layer:
            x = layer(x, mask)
        return x


class Pooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, x):
        return torch.tanh(self.dense(x[:, 0]))


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.pooler = Pooler(c)

    def forward(self, ids, types, attention):
        mask = (1.0 - attention[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        return self.pooler(self.encoder(self.embeddings(ids, types), mask))


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = Bert(c)
        self.classifier = nn.Linear(c["hidden_size"], len(c["id2label"]))

    def forward(self, ids, types, attention):
        return self.classifier(self.bert(ids, types, attention))


def word_pieces(word, vocab):
    """BERT's WordPiece: the longest prefix in the vocabulary, then the longest '##' continuation, and so on."""
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start and (word[start:end] if start == 0 else "##" + word[start:end]) not in vocab:
            end -= 1
        if end == start:
            return [vocab["[UNK]"]]
        pieces.append(vocab[word[start:end] if start == 0 else "##" + word[start:end]])
        start = end
    return pieces


def main():
    folder, sentences = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    config = json.loads((folder / "config.json").read_text())
    model = BertForSequenceClassification(config).eval()
    model.load_state_dict(read_safetensors(folder / "model.safetensors"), strict=True)
    vocab = {w: i for i, w in enumerate((folder / "vocab.txt").read_text(encoding="utf-8").splitlines())}
    rows = [line.split("\t")[0] for line in sentences.read_text(encoding="utf-8").splitlines()[1:] if line]
    encoded = [[vocab["[CLS]"]] + [p for w in row.lower().split() for p in word_pieces(w, vocab)] + [vocab["[SEP]"]]
               for row in rows]
    width = max(len(e) for e in encoded)
    ids = torch.tensor([e + [vocab["[PAD]"]] * (width - len(e)) for e in encoded])
    attention = torch.tensor([[1] * len(e) + [0] * (width - len(e)) for e in encoded])
    with torch.no_grad():
        logits = model(ids, torch.zeros_like(ids), attention)
    print(json.dumps({"keys": sorted(model.state_dict().keys()), "logits": logits.double().tolist()}))


if __name__ == "__main__":
    main()
