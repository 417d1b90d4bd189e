#!/usr/bin/env bash
# LFW verification scored by the second, independent recognizer (HSE FaceRes-deep; evaluation only,
# never used in training, tuning or model choice): uncompressed, JPEG2000 and WebP at the settings inside
# facecodec's range, then facecodec v3's operating points at encode effort 1 (files read back from the
# committed pack, bench/results/encoded/) and at effort 0. Resumable (finished work is read back from
# the cache). Writes bench/results/lfw-faceres.{json,md} and lfw-faceres-accuracy.svg.
#   nohup bash bench/run-lfw-faceres.sh [--folds 1-5] [--cache DIR] > lfw-faceres.log 2>&1 &
# Extra arguments go to every `facecodec bench lfw` call.
set -e
cd "$(dirname "$0")/.."
run() { npx tsx bench/cli.ts bench lfw --recognizer faceres --out bench/results "$@"; }
run --codec none "$@"
run --codec jpeg2000 --settings 240,120,80 "$@"
run --codec webp --settings 1,10,25 "$@"
run --codec facecodec-v3@e1 --settings 1,15,50,90 "$@"
run --codec facecodec-v3 --settings 1,15,50,90 "$@"
