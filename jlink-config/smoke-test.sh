#!/usr/bin/env bash
# Smoke test of the packaged app image, as a user with an empty home would meet it, offline:
#   1. the command line: --help and an analysis of the tiny test BERT;
#   2. a first training (two steps on the tiny fixture) that must write nothing under ~/.djl.ai, ~/.cache/JNA
#      or ~/.openjfx, and nothing into the image (installed, it is read-only);
#   3. the window under Xvfb: the app opens its sample workspace and, with -Dfinescope.smokeTest=true, exits 0
#      once the first heatmap is on screen.
#
# Usage: jlink-config/smoke-test.sh [IMAGE]      IMAGE defaults to target/package/FineScope
# Needs the repository's test fixtures (src/test/resources) and, for step 3, xvfb-run (Debian: xvfb xauth).
# SMOKE_NO_WINDOW=1 skips step 3.
set -euo pipefail
cd "$(dirname "$0")/.."

image="${1:-target/package/FineScope}"
launcher="$image/bin/FineScope"
fail() { echo "smoke-test: FAILED: $*" >&2; exit 1; }
[ -x "$launcher" ] || fail "$launcher not found: build the image with jlink-config/package.sh"

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
stamp="$home/.stamp"
touch "$stamp"
# Java takes user.home from the password database, not from $HOME: both are pointed at the empty folder.
finescope() {
    env -u XDG_CACHE_HOME HOME="$home" JAVA_TOOL_OPTIONS="-Duser.home=$home" \
        "$launcher" "$@" 2> >(grep -v '^Picked up JAVA_TOOL_OPTIONS' >&2)
}

echo "smoke-test: 1. command line"
finescope --help | grep -q '^Usage: finescope' || fail "--help does not print the usage"
fixtures=src/test/resources/fixtures
finescope analyze --base "$fixtures/tiny-bert/base" --tuned "$fixtures/tiny-bert/tuned" | grep -q '^relative L2' \
    || fail "analyze does not print the grid"

echo "smoke-test: 2. first training, offline, empty home"
start=$(date +%s%N)
rc=0
finescope train --base "$fixtures/train/tiny" --data "$fixtures/train/tiny-task" --task sst2 --plan full \
    --epochs 1 --batch-size 8 --max-len 32 --max-steps 2 --device cpu --out "$home/run" > "$home/train.log" || rc=$?
[ "$rc" -eq 0 ] || { cat "$home/train.log"; fail "train exited with $rc"; }
echo "smoke-test:    trained in $(( ($(date +%s%N) - start) / 1000000 )) ms"
[ -f "$home/run/overlay.safetensors" ] || fail "the run wrote no overlay"
for unwanted in .djl.ai .cache/JNA .openjfx; do
    [ ! -e "$home/$unwanted" ] || fail "the run wrote $unwanted: $(find "$home/$unwanted" | head -5)"
done

if [ "${SMOKE_NO_WINDOW:-0}" != 1 ]; then
    echo "smoke-test: 3. window under Xvfb"
    command -v xvfb-run >/dev/null 2>&1 || fail "xvfb-run is missing (Debian: apt-get install xvfb xauth)"
    rc=0
    timeout 300 xvfb-run -a -s '-screen 0 1600x1000x24' env -u XDG_CACHE_HOME HOME="$home" \
        JAVA_TOOL_OPTIONS="-Duser.home=$home -Dfinescope.smokeTest=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info" \
        "$launcher" > "$home/window.log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || { tail -30 "$home/window.log"; fail "the app exited with $rc (124: no heatmap within 300 s)"; }
    grep -q 'opening .*sample-models at start' "$home/window.log" || fail "the app did not open the sample workspace"
    grep -q 'first heatmap on screen' "$home/window.log" || fail "the app exited before drawing a heatmap"
    grep -o '\(window shown\|first heatmap on screen\) [0-9]* ms after launch' "$home/window.log" \
        | sed 's/^/smoke-test:    /'
    [ ! -e "$home/.openjfx" ] || fail "JavaFX unpacked its libraries into ~/.openjfx"
fi

written=$(find "$image" -newer "$stamp" -print | head -5)
[ -z "$written" ] || fail "the app wrote into its image: $written"
echo "smoke-test: passed"
