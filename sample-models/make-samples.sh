#!/usr/bin/env bash
# Fine-tunes the built-in MiniLM base on the UCI sentiment sample and keeps each run's overlay under
# sample-models/<name>/. The recipe of every sample is here; rerun only when a recipe changes.
#   usage: sample-models/make-samples.sh [RUNS_FOLDER]   (after mvn -B package; about 30 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-target/sample-runs}
mkdir -p "$runs"
fs() { java -Xmx4g -jar target/finescope.jar "$@"; }
data=sample-models/data/uci-sentiment
common=(--base builtin:all-MiniLM-L6-v2 --data "$data" --task SST-2 --epochs 3 --batch-size 32 --seed 42)

train() { # name, extra args…
    local name=$1; shift
    if [ ! -f "$runs/$name/metrics.json" ]; then
        rm -rf "${runs:?}/$name"
        fs train "${common[@]}" "$@" --out "$runs/$name"
    fi
}

train head-only        --plan head-only --lr 1e-3
train full             --plan freeze-embeddings --lr 5e-5
train l0-close-top4    --plan "l0-close:4:rel_l2:$runs/full/overlay.safetensors" --lr 5e-5
for s in 01 05 10 20 40; do
    train "masks-$s" --plan "sparsify-encoder:0.$s" --lr 1e-3 --score-lr 5e-2
done
