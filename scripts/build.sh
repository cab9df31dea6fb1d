#!/usr/bin/env bash
# Configures and builds qcc (Release, tuned for this CPU) into build/. Extra arguments go to CMake
# (e.g. -DQCC_NATIVE=OFF for a portable binary).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$(nproc)"
