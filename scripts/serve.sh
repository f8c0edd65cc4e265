#!/usr/bin/env bash
# Serve wsol-lab on the embedded pack at http://127.0.0.1:${PORT:-5173}/ (cross-origin isolated).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
npx vite build --logLevel warn
echo "wsol-lab: open http://127.0.0.1:${PORT:-5173}/"
exec npx vite preview --port "${PORT:-5173}" --strictPort
