#!/usr/bin/env bash
# Configures and builds the sanitizer tree build-asan/: clang, AddressSanitizer + UBSan (any report
# aborts), libFuzzer coverage and the fuzz targets (QCC_FUZZ). Arguments: targets to build
# (default: the unit-test executables and the fuzz targets).
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(kernel_tests ir_tests pass_tests frontend_tests runtime_tests cli_tests api_tests
                                    conformance_tests isa_cap_tests fuzz_import fuzz_image fuzz_tensor make_seeds)
CC=clang CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DQCC_FUZZ=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target "${targets[@]}"
