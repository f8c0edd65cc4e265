#!/usr/bin/env bash
# The full-size Stable Diffusion path, measured without downloading Stable Diffusion:
#   1. a diffusers SD-1.5 folder with seeded random weights of the exact architecture
#      (python/scripts/make_sd15_random.py → build/sd15-random-diffusers, 4.3 GB);
#   2. the exporter on it, every variant (→ build/sd15-random: truncated UNet, fp32/fp16/int8);
#   3. the untruncated UNet, int8, for comparison (→ build/sd15-random-fullunet);
#   4. the file sizes (build/sd15-random-sizes.md) and, unless --no-bench, the browser bench on wasm
#      int8: per-stage times and peak memory, truncated vs untruncated UNet in one run
#      (build/sd15-random-bench.json).
# Nothing here is committed (/build/ is ignored). Takes about 20 min and 13 GB of RAM on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1 PYTHONPATH="$PWD/python"
PY=.venv/bin/python
t() { /usr/bin/time -f "%e s wall, %U s user, %M KB peak RSS" "$@"; }

[ -f build/sd15-random-diffusers/unet/config.json ] || t $PY python/scripts/make_sd15_random.py --out build/sd15-random-diffusers
[ -f build/sd15-random/manifest.json ] || t $PY -m wsolkit.sd.export --sd build/sd15-random-diffusers --preset imagenet \
  --classifier lite0 --out build/sd15-random --variants fp32,fp16,int8
[ -f build/sd15-random-fullunet/manifest.json ] || t $PY -m wsolkit.sd.export --sd build/sd15-random-diffusers --preset imagenet \
  --classifier lite0 --out build/sd15-random-fullunet --variants fp32,int8 --full-unet
$PY - <<'PY' | tee build/sd15-random-sizes.md
import json
from pathlib import Path
for name in ["sd15-random", "sd15-random-fullunet"]:
    m = json.loads(Path(f"build/{name}/manifest.json").read_text())
    print(f"\n{name}\n\n| model | variant | files | bytes | MiB |\n|---|---|---|---|---|")
    for role, entry in m["models"].items():
        for v in entry["variants"]:
            total = v["bytes"] + sum(x["bytes"] for x in v["externalData"])
            files = 1 + len(v["externalData"])
            print(f"| {role} | {v['precision']} | {files} | {total:,} | {total / 2**20:,.1f} |")
PY
if [ "${1:-}" != "--no-bench" ]; then
  npm run --silent bench -- --pack build/sd15-random --compare-pack build/sd15-random-fullunet --precision int8 \
    --minimal --no-node --repeats 1 | tee build/sd15-random-bench.json
fi
