#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test -- unit tests, the ONNX
# node conformance cases, and the end-to-end Inception V3 comparison against ONNX Runtime
# (its models and references are cached in ${QCC_CACHE:-~/.cache/qcc}).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" -L unit
ctest --output-on-failure -L e2e
