#!/usr/bin/env bash
# Checks that `finescope export` writes folders that Hugging Face transformers loads and scores exactly as
# FineScope does. Step 1 (here, after `mvn -B package`) trains two tiny runs on the test fixture (full
# fine-tuning and learned masks at 20 %), exports base ⊕ overlay and writes FineScope's own dev logits.
# Step 2 runs src/test/python/transformers_export_check.py on any machine with transformers installed:
#   src/test/python/export_check.sh OUT          # step 1: writes OUT/{full,masks}, OUT/*-pred.csv, OUT/dev.tsv
#   python3 src/test/python/transformers_export_check.py OUT
set -euo pipefail
out=${1:?usage: export_check.sh OUT}
fs="java -Dai.djl.offline=true -jar target/finescope.jar"
base=src/test/resources/fixtures/train/tiny
task=src/test/resources/fixtures/train/tiny-task
mkdir -p "$out"
runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
for run in full:full masks:sparsify-encoder:0.2; do
    name=${run%%:*}
    plan=${run#*:}
    $fs train --base $base --data $task --task SST-2 --plan "$plan" --epochs 2 --batch-size 8 --max-len 32 \
        --lr 1e-3 --score-lr 0.05 --out "$runs/$name" >/dev/null
    $fs export --base $base --overlay "$runs/$name/overlay.safetensors" --out "$out/$name"
    $fs eval --model "$out/$name" --data $task --task SST-2 --max-len 32 --predictions "$out/$name-pred.csv"
done
cp $task/dev.tsv "$out/dev.tsv"
