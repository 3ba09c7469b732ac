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

# Keep each result beside its recipe: sample-models/<name>/overlay.safetensors and a README with its metrics.
describe() { # name, title, plan words
    local name=$1 title=$2 words=$3 out=sample-models/$1
    mkdir -p "$out"
    cp "$runs/$name/overlay.safetensors" "$out/overlay.safetensors"
    # the run's dev metrics, as a run folder keeps them: the app compares runs with the head-only one's
    cp "$runs/$name/metrics.json" "$out/metrics.json"
    local dev test
    dev=$(fs eval --model "$out/overlay.safetensors" --data "$data" --task SST-2 --split dev --json)
    test=$(fs eval --model "$out/overlay.safetensors" --data "$data" --task SST-2 --split test --json)
    {
        echo "# $title"
        echo
        echo "$words"
        echo
        echo "Base: the built-in all-MiniLM-L6-v2 (\`builtin:all-MiniLM-L6-v2\`). Data: \`sample-models/data/uci-sentiment\`"
        echo "(SST-2 layout). 3 epochs, batch 32, seed 42, CPU. Made by \`sample-models/make-samples.sh\`:"
        echo
        echo '```'
        echo "java -jar target/finescope.jar train --base builtin:all-MiniLM-L6-v2 \\"
        echo "    --data $data --task SST-2 --epochs 3 --batch-size 32 --seed 42 \\"
        echo "    $(grep -o "^ *train \"\{0,1\}$name\"\{0,1\} .*" "$0" | sed 's/^ *train [^ ]* *//') --out RUNS/$name"
        echo '```'
        echo
        echo "| split | metrics |"
        echo "| --- | --- |"
        echo "| dev (450) | \`$dev\` |"
        echo "| test (450) | \`$test\` |"
        echo
        echo "Overlay: $(du -k "$out/overlay.safetensors" | cut -f1) KB."
    } > "$out/README.md"
}

describe head-only "Head only (the baseline)" "Only the classifier head trains; every pre-trained weight stays as it is."
describe full "Full fine-tune (embeddings frozen)" "Every encoder matrix, bias and LayerNorm trains; the embeddings stay frozen so the overlay stays small (42 MB instead of 90 MB)."
describe l0-close-top4 "L0-close: the top 4 matrices" "Only the 4 matrices that moved most (relative L2) in the full fine-tune train, with the head; every other tensor stays pre-trained."
for s in 01 05 10 20 40; do
    describe "masks-$s" "Learned masks at $((10#$s)) %" "Every encoder matrix is sparsified with a learned binary mask at $((10#$s)) % zeros (scores initialised from magnitude, straight-through gradients); no pre-trained value changes, the head trains."
done
