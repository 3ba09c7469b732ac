"""Writes the tiny SST-2-layout task of the training tests (fixtures/train/tiny-task/{train,dev}.tsv).

Every word is in the tiny model's vocabulary (fixtures/train/tiny/vocab.txt), so the tests exercise real
tokenization without [UNK]. A sentence is positive (1) when it carries a positive word and negative (0) when it
carries a negative one; neutral words fill the rest, so a two-layer model can learn the task in a few steps.
Run from the repository root: /usr/bin/python3 src/test/python/make_tiny_task.py
"""
import random
from pathlib import Path

OUT = Path("src/test/resources/fixtures/train/tiny-task")
NEUTRAL = ["the", "cat", "sat", "on", "mat", "cafe", "zebra", "text", "lots", "of", "white", "here", "a", "and"]
POSITIVE = ["happy", "believe", "ok", "play"]
NEGATIVE = ["unhappy", "stop", "don t", "zero"]


def sentence(rng, label):
    words = rng.sample(NEUTRAL, rng.randint(2, 6))
    words.insert(rng.randint(0, len(words)), rng.choice(POSITIVE if label else NEGATIVE))
    return " ".join(words)


def write(name, count, rng):
    rows = ["sentence\tlabel"]
    for i in range(count):
        label = i % 2
        rows.append(f"{sentence(rng, label)}\t{label}")
    (OUT / name).write_text("\n".join(rows) + "\n", encoding="utf-8")


def main():
    rng = random.Random(4)
    OUT.mkdir(parents=True, exist_ok=True)
    write("train.tsv", 32, rng)
    write("dev.tsv", 12, rng)


if __name__ == "__main__":
    main()
