#!/usr/bin/env bash
# Draws assets/finescope-icon.png (256 × 256): a 4 × 4 heatmap grid in viridis colours on a rounded dark tile.
# Needs ImageMagick's `convert`. Run from anywhere; writes next to this script.
set -euo pipefail
cd "$(dirname "$0")"

# viridis at 0, 1/6, 2/6 … 1 (entries 0, 42, 85, 128, 170, 212, 255 of the 256-colour table)
v=(440154 443983 31688e 21918c 35b779 8ed645 fde725)
# which colour each cell takes, row by row: small changes low in the grid, larger towards the top right
grid=(
  2 4 5 6
  1 3 5 5
  1 2 3 4
  0 1 1 2
)

args=(-size 256x256 xc:none -fill '#1d1f2b' -draw 'roundrectangle 8,8 247,247 36,36')
cell=50; gap=6; origin=$(( (256 - 4 * cell - 3 * gap) / 2 ))
for r in 0 1 2 3; do
  for c in 0 1 2 3; do
    x0=$(( origin + c * (cell + gap) )); y0=$(( origin + r * (cell + gap) ))
    args+=(-fill "#${v[${grid[r * 4 + c]}]}" -draw "roundrectangle $x0,$y0 $((x0 + cell - 1)),$((y0 + cell - 1)) 7,7")
  done
done
convert "${args[@]}" -strip PNG32:finescope-icon.png
