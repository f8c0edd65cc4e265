#!/usr/bin/env bash
# Install what the tests need, then run every suite: types, lint and format (Biome), pack integrity, Vitest,
# ruff, pytest, Playwright (wasm + software WebGPU).
# Fails if any suite fails or runs no test; ends with one "total: N passed, M failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test || exit 1
mkdir -p test-results
status=0
run() { echo; echo "=== $1"; shift; "$@" || status=1; }

export OPENBLAS_NUM_THREADS=1
run "typecheck" npm run --silent typecheck
run "lint+format" npx biome ci --colors=off
run "packs" npm run --silent models:verify
run "vitest" npx vitest run --reporter=default --reporter=json --outputFile=test-results/vitest.json
run "ruff" .venv/bin/ruff check python
run "pytest" .venv/bin/python -m pytest -q python/tests --junitxml=test-results/pytest.xml -p no:cacheprovider
run "playwright" env PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json

node scripts/test-summary.mjs || status=1
exit $status
