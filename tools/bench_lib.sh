# bench_lib.sh — shared by bench_ab.sh and bench_models.sh (sourced, not run).

# parse_bench_args "$@": sets rounds, iters and batch from --rounds/--iters/--batch (the caller
# sets their defaults first), prints the caller's usage for -h, and leaves the other arguments
# in the array `positional`.
parse_bench_args() {
  positional=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --rounds) rounds=$2; shift 2 ;;
      --iters) iters=$2; shift 2 ;;
      --batch) batch=$2; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) positional+=("$1"); shift ;;
    esac
  done
}

# qcc_ms QCC MODEL: median ms per batch of `QCC bench MODEL` (warm-up 1).
qcc_ms() {
  local out
  out=$("$1" bench "$2" --batch "$batch" --iters "$iters" --warmup 1) || { echo "$(basename "$0"): $1 bench $2 failed" >&2; exit 1; }
  grep -o 'median [0-9.]*' <<<"$out" | cut -d' ' -f2
}

# median "v1 v2 ...": the median of the numbers.
median() {
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
