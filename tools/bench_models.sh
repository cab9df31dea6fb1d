#!/usr/bin/env bash
# bench_models.sh — several models on one qcc, back to back, against the first (the baseline).
#
#   tools/bench_models.sh BASE.onnx MODEL.onnx... [--rounds 5] [--iters 3] [--batch 16]
#
# Each round runs every model once (`qcc bench`, warm-up 1) in the given order and divides each
# model's ms/batch by BASE's of the same round, so drift between rounds cancels. Prints every
# round and, per model, the median over rounds of MODEL / BASE (below 1: faster than BASE).
# QCC picks the binary (default build/cli/qcc); the environment passes through, so
# `QCC_ISA=avx2 tools/bench_models.sh ...` times the AVX2 kernels.
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
QCC=${QCC:-$(cd "$(dirname "$0")/.." && pwd)/build/cli/qcc}
rounds=5 iters=3 batch=16
parse_bench_args "$@"
models=("${positional[@]}")
if [ ${#models[@]} -lt 2 ]; then usage >&2; exit 2; fi
[ -x "$QCC" ] || { echo "bench_models.sh: '$QCC' is not an executable" >&2; exit 2; }
for m in "${models[@]}"; do [ -f "$m" ] || { echo "bench_models.sh: no model '$m'" >&2; exit 2; }; done

declare -A ratios
printf '%-6s %-40s %12s %9s\n' round model ms/batch /base
for r in $(seq "$rounds"); do
  base=""
  for m in "${models[@]}"; do
    t=$(qcc_ms "$QCC" "$m")
    [ -n "$base" ] || base=$t
    q=$(awk -v a="$base" -v b="$t" 'BEGIN { printf "%.3f", b / a }')
    ratios[$m]+="$q "
    printf '%-6s %-40s %12s %9s\n' "$r" "$(basename "$m")" "$t" "$q"
  done
done
echo
printf '%-40s %s\n' model "median time / $(basename "${models[0]}")'s over $rounds rounds"
for m in "${models[@]:1}"; do
  printf '%-40s %s\n' "$(basename "$m")" "$(median "${ratios[$m]}")"
done
