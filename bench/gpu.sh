#!/usr/bin/env bash
# WebGPU benchmarks on a machine with a real GPU: conv kernels (tiled vs naive) at batch 1 and 32 and
# the whole recognizer at batch 1 and 32. Installs nothing from the network: it needs this checkout
# with node_modules already in place (npm `webgpu`, Dawn, brings its own Vulkan/Metal/D3D backend)
# and the GPU's own driver. Budget: a few minutes (3 rounds per kernel case, 5 per model batch).
# Writes bench/results/webgpu-gpu.{json,md} (or $OUT.{json,md}) and prints the JSON rows.
# Usage: bash bench/gpu.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-bench/results/webgpu-gpu}"
# A software ICD from scripts/setup-vulkan.sh must not shadow the real GPU.
unset VK_ICD_FILENAMES VK_DRIVER_FILES
if [ ! -d node_modules/webgpu ]; then
  echo "bench/gpu.sh: node_modules/webgpu is missing; run npm ci first (this script installs nothing)" >&2
  exit 1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
timeout 540 node --import tsx bench/webgpu-kernels.ts --json --rounds 3 --kernel-batches 1,32 --batches 1,32 --out "$OUT"
