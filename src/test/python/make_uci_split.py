#!/usr/bin/python3
"""Makes FineScope's sample sentiment task from the UCI "Sentiment Labelled Sentences" (amazon, imdb, yelp):
sample-models/data/uci-sentiment/{train,dev,test}.tsv in GLUE's SST-2 layout (a `sentence<TAB>label` header,
one sentence and its 0/1 label per line), plus README.md (counts, seed, how to regenerate) and SOURCE.md
(the data's attribution, copied unchanged).

The split is a deterministic stratified 70/15/15 split, stratified by source and label. It uses no random
number generator: within each stratum, sentences are ordered by SHA-256("<seed>:<key>") and the first 70% go to
train, the next 15% to dev, the rest to test, so any language can reproduce it. Sentences that are the same
after lower-casing and collapsing white space (an uncased model sees them as the same input) form one group and
always land in the same split, so no sentence is both trained on and evaluated. The only change made to a
sentence is that each tab, carriage return or line feed becomes a space (a TSV cell cannot hold them).

Standard library only. Run from the repository root:
    /usr/bin/python3 src/test/python/make_uci_split.py --source ../shared/data/uci-sentiment
    /usr/bin/python3 src/test/python/make_uci_split.py --source ../shared/data/uci-sentiment --check
(--check rebuilds everything in memory and exits with 1 unless the committed files are byte for byte the same.)
"""
import argparse
import collections
import hashlib
import json
import os
import sys

SEED = 20200430
SOURCES = ["amazon", "imdb", "yelp"]
SHARES = {"train": 0.70, "dev": 0.15}
SPLITS = ["train", "dev", "test"]
OUT = os.path.join("sample-models", "data", "uci-sentiment")


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean(text):
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def key(text):
    return " ".join(text.split()).lower()


def load(source_dir):
    """All records as dicts (source, index, text, label), the trailing empty record of each file dropped."""
    records = []
    for source in SOURCES:
        with open(os.path.join(source_dir, source + ".json"), encoding="utf-8") as f:
            rows = json.load(f)
        last = rows[-1]
        if last.get("text") != "" or last.get("class") is not None:
            sys.exit(f"{source}.json: expected an empty last record, found {last!r}")
        for index, row in enumerate(rows[:-1]):
            text, label = row.get("text"), row.get("class")
            if not isinstance(text, str) or not text.strip() or label not in (0, 1):
                sys.exit(f"{source}.json: record {index} is not a sentence with class 0 or 1: {row!r}")
            records.append({"source": source, "index": index, "text": clean(text), "label": label,
                            "cleaned": clean(text) != text})
    return records


def split(records):
    """(assignment {(source, index): split}, duplicate groups, conflicting groups)."""
    groups = collections.OrderedDict()
    for r in records:
        groups.setdefault(key(r["text"]), []).append(r)
    conflicts = {k: g for k, g in groups.items() if len({r["label"] for r in g}) > 1}
    strata = collections.OrderedDict(((s, label), []) for s in SOURCES for label in (0, 1))
    for k, g in groups.items():
        if k not in conflicts:
            strata[(g[0]["source"], g[0]["label"])].append((digest(f"{SEED}:{k}"), g))
    assignment = {}
    for members in strata.values():
        members.sort(key=lambda m: m[0])
        total = sum(len(g) for _, g in members)
        target = {name: round(share * total) for name, share in SHARES.items()}
        filled = collections.Counter()
        for _, g in members:
            name = next((n for n in ("train", "dev") if filled[n] < target[n]), "test")
            filled[name] += len(g)
            for r in g:
                assignment[(r["source"], r["index"])] = name
    duplicates = [g for g in groups.values() if len(g) > 1]
    return assignment, duplicates, list(conflicts.values())


def tsv(rows):
    return "sentence\tlabel\n" + "".join(f"{r['text']}\t{r['label']}\n" for r in rows)


def build(source_dir):
    """{file name: bytes} of everything the script writes."""
    records = load(source_dir)
    assignment, duplicates, conflicts = split(records)
    files, per_split = {}, {}
    for name in SPLITS:
        rows = [r for r in records if assignment.get((r["source"], r["index"])) == name]
        rows.sort(key=lambda r: digest(f"{SEED}:order:{r['source']}:{r['index']}"))
        per_split[name] = rows
        files[name + ".tsv"] = tsv(rows).encode("utf-8")
    with open(os.path.join(source_dir, "SOURCE.md"), "rb") as f:
        files["SOURCE.md"] = f.read()
    files["README.md"] = readme(records, per_split, duplicates, conflicts, files).encode("utf-8")
    return files


def readme(records, per_split, duplicates, conflicts, files):
    lines = [
        "# Sample task: UCI sentiment sentences",
        "",
        "Binary sentiment (0 negative, 1 positive) of 3,000 short English review sentences: 1,000 each from",
        "Amazon product reviews, IMDb movie reviews and Yelp restaurant reviews. The data, its licence (CC BY 4.0)",
        "and its attribution are in `SOURCE.md`, which must stay next to these files.",
        "",
        "Layout: GLUE's SST-2 layout, UTF-8, LF line ends: a `sentence<TAB>label` header, then one sentence and",
        "its label per line. Unlike GLUE's own SST-2 `test.tsv`, `test.tsv` here keeps its labels.",
        "",
        "| split | sentences | label 0 | label 1 | amazon | imdb | yelp |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in SPLITS:
        rows = per_split[name]
        by_label = collections.Counter(r["label"] for r in rows)
        by_source = collections.Counter(r["source"] for r in rows)
        lines.append(f"| {name} | {len(rows):,} | {by_label[0]:,} | {by_label[1]:,} | "
                     + " | ".join(f"{by_source[s]:,}" for s in SOURCES) + " |")
    total = sum(len(rows) for rows in per_split.values())
    copies = sum(len(g) for g in duplicates)
    cleaned = sum(r["cleaned"] for r in records)
    c1 = [r for r in records if any(0x80 <= ord(c) <= 0x9F for c in r["text"])]
    c1_chars = sorted({f"U+{ord(c):04X}" for r in c1 for c in r["text"] if 0x80 <= ord(c) <= 0x9F})
    c1_sources = sorted({r["source"] for r in c1})
    crossing = [g for g in duplicates if len({r["source"] for r in g}) > 1]
    crossing_text = ", ".join("`" + g[0]["text"].strip() + "` (" + " and ".join(sorted({r["source"] for r in g}))
                              + ")" for g in crossing) or "none"
    lines += [
        "",
        f"How it was made: a deterministic split stratified by source and label, 70% / 15% / 15% of each of the",
        f"six (source, label) strata, with seed **{SEED}**. No random number generator is involved: within a",
        "stratum, sentences are ordered by SHA-256 of `\"<seed>:<key>\"` (key: the sentence lower-cased with its",
        "white space collapsed) and taken in that order; each split's rows are then ordered by SHA-256 of",
        "`\"<seed>:order:<source>:<index>\"`, so sources and labels are interleaved.",
        "",
        "Cleaning: none, except that each tab, carriage return or line feed in a sentence becomes a space",
        f"({cleaned} sentences had one). Sentences keep their own spelling, case, punctuation and trailing",
        "spaces; the empty record that ends each source file is dropped.",
        f"{len(c1)} sentences (from {', '.join(c1_sources) or 'none'}) hold C1 control characters "
        f"({', '.join(c1_chars) or 'none'}): Windows-1252",
        "punctuation decoded as Latin-1 in the source. They are kept as they are. U+0085 is NEL, which some",
        "tools (Python's `str.splitlines`) treat as a line break: read these files by splitting on `\\n` only,",
        "as GLUE readers do.",
        "",
        f"Duplicates: the source has {len(duplicates)} groups of sentences that are equal after lower-casing and",
        f"collapsing white space ({copies} sentences in all); across sources: {crossing_text}.",
        "All copies are kept, and each group lies in one split as a whole (it counts in the stratum of its",
        "first sentence), so no sentence crosses splits.",
        f"Groups with conflicting labels would be left out: there are {len(conflicts)}.",
        f"The {total:,} sentences above are all {len(records):,} of the source.",
        "",
        "Regenerate (from the repository root; `--check` compares instead of writing):",
        "",
        "```",
        "/usr/bin/python3 src/test/python/make_uci_split.py --source ../shared/data/uci-sentiment",
        "```",
        "",
        "SHA-256 of the files:",
        "",
    ]
    for name in SPLITS:
        lines.append(f"- `{name}.tsv`: `{hashlib.sha256(files[name + '.tsv']).hexdigest()}`")
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default=os.path.join("..", "shared", "data", "uci-sentiment"),
                        help="folder with amazon.json, imdb.json, yelp.json and SOURCE.md")
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args()
    files = build(args.source)
    if args.check:
        different = []
        for name, data in files.items():
            path = os.path.join(OUT, name)
            if not os.path.exists(path) or open(path, "rb").read() != data:
                different.append(path)
        if different:
            print("differ from a fresh build: " + ", ".join(different))
            sys.exit(1)
        print(f"{len(files)} files in {OUT} are identical to a fresh build")
        return
    os.makedirs(OUT, exist_ok=True)
    for name, data in files.items():
        path = os.path.join(OUT, name)
        temp = path + ".tmp"
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    print(f"wrote {', '.join(files)} to {OUT}")


if __name__ == "__main__":
    main()
