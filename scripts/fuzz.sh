#!/usr/bin/env bash
# fuzz.sh TARGET SECONDS -- runs one libFuzzer target (import, image or tensor) for SECONDS on one
# core, from the generated seeds plus the corpus earlier runs grew (build-asan/fuzz/TARGET/).
# Builds build-asan/ first when needed. A crash, sanitizer report, leak, timeout or excess memory
# leaves the input as build-asan/fuzz/TARGET/crash-* and fails; the last lines give executions
# and coverage. QCC_FUZZ_SEED=N fixes libFuzzer's random seed (0: a new one each run).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh import|image|tensor SECONDS}
seconds=${2:?usage: scripts/fuzz.sh import|image|tensor SECONDS}
target=${target#fuzz_}
case "$target" in import | image | tensor) ;; *) echo "unknown target $target" >&2; exit 2 ;; esac
scripts/build_asan.sh "fuzz_$target" make_seeds >/dev/null
work=build-asan/fuzz/$target
mkdir -p "$work/corpus" build-asan/fuzz/seeds
build-asan/tests/fuzz/make_seeds build-asan/fuzz/seeds
status=0
nice -n 10 "build-asan/tests/fuzz/fuzz_$target" "$work/corpus" "build-asan/fuzz/seeds/$target" \
  -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -seed="${QCC_FUZZ_SEED:-0}" \
  -artifact_prefix="$work/" >"$work/last.log" 2>&1 || status=$?
echo "fuzz_$target, $seconds s (full log: $work/last.log):"
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::' "$work/last.log" || true
[ $status -eq 0 ] || tail -n 60 "$work/last.log"
exit $status
