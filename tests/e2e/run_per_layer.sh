#!/usr/bin/env bash
# run_per_layer.sh QCC WORK_DIR — `qcc compare --per-layer` finds the layer that ruins INT8 on a
# real model: the trained backbone with a classifier fitted on per-feature standardised features
# (raw weights up to ~1e4, which no 8-bit scale holds). The classifier's output must rank worst,
# every quantized value must be matched, and a profile compiles to the same file as --calib.
source "$(dirname "$0")/common.sh"
PF="$OFF/iv3_trained_perfeature.onnx" INT8="$WORK/perfeature_int8.onnx"
"$QCC" calibrate "$PF" --calib "$OFF/calib" --calib-count 200 -o "$WORK/profile.json" >/dev/null
"$QCC" compile "$PF" --precision int8 --profile "$WORK/profile.json" -o "$INT8" >/dev/null
"$QCC" compile "$PF" --precision int8 --calib "$OFF/calib" --calib-count 200 -o "$WORK/one_go.onnx" >/dev/null
cmp "$INT8" "$WORK/one_go.onnx" || { echo "FAIL: --profile and --calib give different files"; exit 1; }
"$QCC" compare "$PF" "$INT8" --data "$OFF/val" --limit 64 --per-layer --json "$WORK/per_layer.json" | tail -2
$PY - "$WORK/per_layer.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
worst = min(r["layers"], key=lambda l: l["sqnr_db"])
print(f"worst: {worst['name']} ({worst['producer']}, {worst['sqnr_db']:.1f} dB); unmatched {r['unmatched']}")
ok = worst["name"] == "logits" and "Gemm" in worst["producer"] and r["unmatched"] == 0 and len(r["layers"]) > 100
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PYEOF
