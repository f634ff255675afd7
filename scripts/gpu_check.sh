#!/usr/bin/env bash
# The GPU path, checked in a few minutes on any CUDA machine (not part of CI, which has no GPU).
# Prints one JSON object (scripts/gpu_check.py): bf16 packed training with flash-attention
# (packed vs unpacked loss), tokens/s and MFU of a ~1B-parameter Llama, eval + serve on CUDA,
# and vLLM generation without a double BOS when vLLM is installed.
#   bash scripts/gpu_check.sh            # uses .venv if present, else python3
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
exec "$PY" scripts/gpu_check.py "$@"
