"""Loads folders written by `finescope export` with Hugging Face transformers and compares their dev logits
with FineScope's own (`finescope eval --predictions`), on the CPU and, when present, on a CUDA GPU.

Usage: python3 transformers_export_check.py OUT   (OUT as written by export_check.sh)
Exits 1 when a logit differs by more than 1e-4.
"""
import csv
import sys
from pathlib import Path

import torch
import transformers
from transformers import AutoTokenizer, BertForSequenceClassification

TOLERANCE = 1e-4


def main(out):
    print("transformers", transformers.__version__, "torch", torch.__version__, "cuda", torch.cuda.is_available())
    torch.backends.cuda.matmul.allow_tf32 = False
    rows = [line.rstrip("\n").split("\t") for line in open(out / "dev.tsv", encoding="utf-8")][1:]
    worst = 0.0
    for name in ["full", "masks"]:
        folder = out / name
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = BertForSequenceClassification.from_pretrained(folder).eval()
        with open(out / f"{name}-pred.csv", encoding="utf-8") as f:
            ours = torch.tensor([[float(r["logit_0"]), float(r["logit_1"])] for r in csv.DictReader(f)],
                                dtype=torch.float64)
        batch = tokenizer([r[0] for r in rows], padding=True, truncation=True, max_length=32, return_tensors="pt")
        for device in ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]:
            with torch.no_grad():
                logits = model.to(device)(**{k: v.to(device) for k, v in batch.items()}).logits.double().cpu()
            diff = (logits - ours).abs().max().item()
            same = (logits.argmax(1) == ours.argmax(1)).double().mean().item()
            worst = max(worst, diff)
            print(f"{name} on {device}: labels {model.config.id2label}, max |logit difference| {diff:.2e}, "
                  f"same predictions {same:.0%}")
    print("PASS" if worst <= TOLERANCE else "FAIL", f"(worst {worst:.2e}, tolerance {TOLERANCE:g})")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
