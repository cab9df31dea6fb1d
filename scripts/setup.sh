#!/usr/bin/env bash
# Installs everything qcc needs on a fresh Debian 12 machine (as root, or with sudo):
# the build (compiler, CMake, the six library packages), the tests (ONNX node test data, clang
# with its sanitizer and libFuzzer runtimes, PyTorch/torchvision for exporting Inception V3,
# Node.js for the ONNX Runtime reference peer, GNU parallel and Slurm for the sharded-evaluation
# recipes, GNU time for peak memory, Chromium to render the HTML report).
# Safe to re-run: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libxsimd-dev libtbb-dev libstb-dev libgtest-dev
  libonnx-testdata python3-torchvision python3-onnx python3-pil
  parallel slurmctld slurmd slurm-client time chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may already come from elsewhere (e.g. NodeSource's nodejs, which bundles npm and
# conflicts with Debian's npm package): ask for the Debian packages only when the commands are absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The reference peer: onnxruntime-node, installed outside the source tree in the cache (its
# binary ships inside the npm package; the install script that would download more is skipped).
NODE_DIR=${QCC_CACHE:-$HOME/.cache/qcc}/node
if [ ! -d "$NODE_DIR/node_modules/onnxruntime-node" ] || ! cmp -s tools/package-lock.json "$NODE_DIR/package-lock.json"; then
  echo "setup: installing onnxruntime-node into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  cp tools/package.json tools/package-lock.json "$NODE_DIR/"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error
fi
echo "setup: ok"
