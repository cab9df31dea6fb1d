#!/usr/bin/env bash
# The main job, offline, in one command: install what is needed, build qcc, make the trained
# offline Inception V3 and its labelled folders (cached in ${QCC_CACHE:-~/.cache/qcc}), compile it
# to FP16 and INT8 (calibrated on 1000 crops), evaluate all three precisions with `qcc eval`
# on 2080 held-out crops, and make the HTML page of the results (`qcc report`).
# The seed's three steps with qcc, for a user with their own model and data:
#   qcc compile model.onnx --precision fp16 -o model_fp16.onnx
#   qcc compile model.onnx --precision int8 --calib CALIB_DIR -o model_int8.onnx
#   qcc eval model.onnx model_fp16.onnx model_int8.onnx --data VAL_DIR
set -euo pipefail
cd "$(dirname "$0")"
CACHE=${QCC_CACHE:-$HOME/.cache/qcc}
THREADS=${QCC_THREADS:-0}
start=$(date +%s)

scripts/setup.sh
scripts/build.sh
scripts/make_offline.sh "$CACHE"
OFF="$CACHE/offline"
MODEL="$OFF/iv3_trained.onnx"
QCC=build/cli/qcc
OUT="$CACHE/demo"
mkdir -p "$OUT"

"$QCC" compile "$MODEL" --precision fp16 -o "$OUT/iv3_fp16.onnx" --report "$OUT/fp16_report.json"
"$QCC" calibrate "$MODEL" --calib "$OFF/calib" --calib-count 1000 -o "$OUT/profile.json" --threads "$THREADS"
"$QCC" compile "$MODEL" --precision int8 --profile "$OUT/profile.json" --calib "$OFF/calib" --calib-count 1000 \
  -o "$OUT/iv3_int8.onnx" --report "$OUT/int8_report.json" --threads "$THREADS"
"$QCC" eval "$MODEL" "$OUT/iv3_fp16.onnx" "$OUT/iv3_int8.onnx" --data "$OFF/val" \
  --json "$OUT/eval.json" --threads "$THREADS"
"$QCC" report "$OUT/eval.json" "$OUT/int8_report.json" "$OUT/fp16_report.json" -o "$OUT/report.html"
echo "demo: done in $(( $(date +%s) - start )) s; reports in $OUT"
