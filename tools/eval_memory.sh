#!/usr/bin/env bash
# eval_memory.sh QCC WORK_DIR DATA_DIR SMALL LARGE MODEL.onnx... [eval options] -- peak memory of
# `qcc eval` on SMALL and on LARGE images, which must be within 10% of each other (eval keeps a
# few bytes per image, so its memory should not grow with the folder).
#
# The images come from DATA_DIR (an ImageNet-style folder) repeated as often as LARGE needs, as
# symbolic links in WORK_DIR/repeated/ (no disk filled); both runs use that folder with --limit.
# Peak memory is /usr/bin/time -v's "Maximum resident set size". Prints one line per run and the
# ratio; exits 1 when the larger run's peak exceeds the smaller one's by more than 10%.
set -euo pipefail
usage="usage: $(basename "$0") QCC WORK_DIR DATA_DIR SMALL LARGE MODEL.onnx... [eval options]"
[ $# -ge 6 ] || { echo "$usage" >&2; exit 2; }
QCC=$1 WORK=$2 DATA=$3 SMALL=$4 LARGE=$5
shift 5
command -v /usr/bin/time >/dev/null || { echo "eval_memory.sh: /usr/bin/time not found (Debian package 'time')" >&2; exit 1; }
[ -d "$DATA" ] || { echo "eval_memory.sh: $DATA: no such folder" >&2; exit 1; }
DATA=$(cd "$DATA" && pwd)

# DATA_DIR/<class>/<image> linked as repeated/<class>/<copy>_<image>, enough copies for LARGE.
REP="$WORK/repeated"
have=$(find "$DATA" -type f | wc -l)
copies=$(( (LARGE + have - 1) / have ))
if [ "$(cat "$REP/.copies" 2>/dev/null)" != "$DATA $copies" ]; then
  rm -rf "$REP"
  for class in "$DATA"/*/; do
    name=$(basename "$class")
    mkdir -p "$REP/$name"
    for ((c = 0; c < copies; c++)); do
      for f in "$class"*; do ln -s "$f" "$REP/$name/${c}_$(basename "$f")"; done
    done
  done
  echo "$DATA $copies" > "$REP/.copies"
fi

peak_kb() {  # IMAGES EVAL_ARGS... -> peak RSS in kB of qcc eval on that many images
  local n=$1 log="$WORK/eval_$1.log"
  shift
  /usr/bin/time -v "$QCC" eval "$@" --data "$REP" --limit "$n" --json "$WORK/eval_$n.json" >"$log" 2>&1 \
    || { tail -n 5 "$log" >&2; exit 1; }
  awk -F': ' '/Maximum resident set size/ {print $2}' "$log"
}
small_kb=$(peak_kb "$SMALL" "$@")
large_kb=$(peak_kb "$LARGE" "$@")
echo "qcc eval on $SMALL images: peak RSS $((small_kb / 1024)) MB"
echo "qcc eval on $LARGE images: peak RSS $((large_kb / 1024)) MB"
awk -v s="$small_kb" -v l="$large_kb" 'BEGIN {
  printf "ratio %.3f (limit 1.10)\n", l / s
  exit (l <= 1.10 * s) ? 0 : 1 }'
