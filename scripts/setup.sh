#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian 12 machine (run as root or with sudo).
#   scripts/setup.sh app    — what serving the app needs (Node packages)
#   scripts/setup.sh test   — everything the tests need (Chromium, PyTorch, Node, Python venv)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Debian packages: Chromium for e2e; Debian's PyTorch/ONNX/OpenCV (PyPI's torch wheel drags in CUDA).
# darknet only for its sample photos (/usr/share/darknet/data), which python/tests/test_lite0.py classifies.
APT_PKGS=(chromium python3-venv python3-torch python3-onnx python3-opencv python3-pil python3-pytest python3-numpy libopenblas0-openmp darknet)
if [ "$what" = test ]; then
  missing=()
  for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# Node packages, only when package-lock.json changed since the last install.
# onnxruntime-node's postinstall would download binaries; its npm package already has them.
stamp=node_modules/.package-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# Python venv on Debian's interpreter so it sees python3-torch; PyPI extras from requirements.txt.
if [ "$what" = test ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    /usr/bin/python3 -m venv --system-site-packages .venv
  fi
  # pyproject.toml is hashed too: a change to the package's metadata reinstalls it.
  req=$(cat python/requirements.txt python/requirements-nodeps.txt python/pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ "$(cat .venv/.requirements.sha 2>/dev/null)" != "$req" ]; then
    .venv/bin/pip install -q --disable-pip-version-check -r python/requirements.txt
    .venv/bin/pip install -q --disable-pip-version-check --no-deps -r python/requirements-nodeps.txt
    # wsolkit itself, editable: scripts and tests import it from python/wsolkit without path set-up.
    # The venv's setuptools builds it (with Debian's wheel when python3-wheel is there, so nothing is
    # downloaded); without it, pip fetches setuptools and wheel into an isolated build environment.
    .venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e python 2>/dev/null \
      || .venv/bin/pip install -q --disable-pip-version-check --no-deps -e python
    echo "$req" > .venv/.requirements.sha
  fi
fi
echo "setup: $what ready"
