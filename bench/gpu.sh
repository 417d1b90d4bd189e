#!/usr/bin/env bash
# WebGPU benchmarks on a machine with a real GPU: conv kernels (tiled vs naive) at batch 1 and 32, the
# whole recognizer at batch 1 and 32, and a joint training step (CompNet, RecNet and the recognizer,
# forward and backward, Adam: bench/train-step.ts) at batch 4 and 32 whole chips. Installs nothing from
# the network: it needs this checkout with node_modules already in place (npm `webgpu`, Dawn, brings
# its own Vulkan/Metal/D3D backend) and the GPU's own driver. Budget: a few minutes (3 rounds per
# kernel case, 5 per model batch, 1 warm-up + 5 training steps per batch).
# Writes bench/results/webgpu-gpu.{json,md} and bench/results/webgpu-gpu-train-b{4,32}.{json,md} (or
# $OUT.* and $OUT-train-b*.*) and prints the JSON rows.
# GPU_SMOKE=1 checks the script on whatever adapter is there, software ones included (lavapipe: source
# build/vulkan/env.sh first): one conv case, training at batch 1 for 1 step, files under /tmp.
# Usage: bash bench/gpu.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${GPU_SMOKE:-0}" = 1 ]; then
  OUT="${1:-/tmp/facecodec-gpu-smoke}"
  KERNEL_ARGS=(--rounds 1 --kernel-batches 1 --case conv3x3_c64_k64_17x17)
  TRAIN_BATCHES="1"
  TRAIN_STEPS=1
else
  OUT="${1:-bench/results/webgpu-gpu}"
  KERNEL_ARGS=(--rounds 3 --kernel-batches 1,32 --batches 1,32)
  TRAIN_BATCHES="4 32"
  TRAIN_STEPS=5
  # A software ICD from scripts/setup-vulkan.sh must not shadow the real GPU.
  unset VK_ICD_FILENAMES VK_DRIVER_FILES
fi
if [ ! -d node_modules/webgpu ]; then
  echo "bench/gpu.sh: node_modules/webgpu is missing; run npm ci first (this script installs nothing)" >&2
  exit 1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
timeout 540 node --import tsx bench/webgpu-kernels.ts --json "${KERNEL_ARGS[@]}" --out "$OUT"
for b in $TRAIN_BATCHES; do
  timeout 300 node --import tsx bench/train-step.ts --backend webgpu --batch "$b" --steps "$TRAIN_STEPS" --json --out "$OUT-train-b$b"
done
