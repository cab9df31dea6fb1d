#!/usr/bin/env bash
# bench_ab.sh — two qcc binaries (e.g. before / after a kernel change) on the same models, back to back.
#
#   tools/bench_ab.sh OLD_QCC NEW_QCC MODEL.onnx... [--rounds 3] [--iters 3] [--batch 16]
#
# Each round runs every model with OLD then NEW (`qcc bench`, warm-up 1); the environment passes
# through, so `QCC_ISA=avx2 tools/bench_ab.sh ...` compares the AVX2 variants; two ISA levels of
# one binary compare through wrappers (`QCC_ISA=avx2 exec qcc "$@"`). Prints every round's
# ms/batch and, per model, the median over rounds of NEW / OLD (below 1: NEW is faster).
set -euo pipefail
. "$(dirname "$0")/bench_lib.sh"
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
rounds=3 iters=3 batch=16
parse_bench_args "$@"
if [ ${#positional[@]} -lt 3 ]; then usage >&2; exit 2; fi
old=${positional[0]} new=${positional[1]}
models=("${positional[@]:2}")
for bin in "$old" "$new"; do [ -x "$bin" ] || { echo "bench_ab.sh: '$bin' is not an executable" >&2; exit 2; }; done
for m in "${models[@]}"; do [ -f "$m" ] || { echo "bench_ab.sh: no model '$m'" >&2; exit 2; }; done

declare -A ratios
printf '%-6s %-40s %12s %12s %9s\n' round model old_ms new_ms new/old
for r in $(seq "$rounds"); do
  for m in "${models[@]}"; do
    a=$(qcc_ms "$old" "$m")
    b=$(qcc_ms "$new" "$m")
    q=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')
    ratios[$m]+="$q "
    printf '%-6s %-40s %12s %12s %9s\n' "$r" "$(basename "$m")" "$a" "$b" "$q"
  done
done
echo
printf '%-40s %s\n' model "median new/old over $rounds rounds"
for m in "${models[@]}"; do
  printf '%-40s %s\n' "$(basename "$m")" "$(median "${ratios[$m]}")"
done
