#!/usr/bin/env bash
# The test command: installs dependencies, builds, and runs every test -- unit tests and the ONNX
# node conformance cases (also under AddressSanitizer + UBSan, in build-asan/), each fuzz target
# for 60 s, and the end-to-end Inception V3 comparison against ONNX Runtime (its models and
# references are cached in ${QCC_CACHE:-~/.cache/qcc}).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)" -L unit)
scripts/build_asan.sh
(cd build-asan && ctest --output-on-failure -j"$(nproc)" -L unit)
for target in import image tensor; do QCC_FUZZ_SEED=1 scripts/fuzz.sh "$target" 60; done
cd build
ctest --output-on-failure -L e2e
