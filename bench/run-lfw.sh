#!/usr/bin/env bash
# The full LFW View 2 benchmark, one codec after another; resumable (rerun it after an interruption:
# finished work is read back from the cache). Writes bench/results/lfw.{json,md} and the SVG plots.
#   nohup bash bench/run-lfw.sh > lfw-bench.log 2>&1 &
# Extra arguments go to every `bench/cli.ts bench lfw` call (e.g. --data DIR --pairs FILE --cache DIR).
set -e
cd "$(dirname "$0")/.."
run() { npx tsx bench/cli.ts bench lfw --out bench/results "$@"; }
run --codec none "$@"
# JPEG and JPEG2000 near 0.2, 0.3 and 0.5 bpp first, then every codec's full default grid.
run --codec jpeg --settings 1,10,20 "$@"
run --codec jpeg2000 --settings 120,80,48 "$@"
for codec in ${CODECS:-jpeg jpeg2000 webp avif jxl}; do
  run --codec "$codec" "$@"
done
