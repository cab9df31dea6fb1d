#!/usr/bin/env bash
# run_e2e.sh QCC WORK_DIR — end-to-end check of qcc's FP32 runtime against ONNX Runtime on
# torchvision Inception V3 exports (PyTorch from Debian, exported here, cached):
#   * the trained offline model at opset 13 (BatchNorm folded by the exporter),
#   * the same weights at opset 17 with BatchNormalization nodes kept and transform_input=True
#     (qcc folds both), and that file relabelled opset 18 (no op it uses changed in 18),
# each on 16 photos at batch 16 and at batch 1. Pass: max |qcc - ORT| <= 1e-4 * max |logit| and
# top-1 agreement 100%.
source "$(dirname "$0")/common.sh"

# Models, cached next to the offline model; their names carry its stamp, so a rebuilt model
# gets fresh exports.
STAMP=$(cat "$OFF/.stamp")
M13="$OFF/iv3_opset13_$STAMP.onnx"
M17="$OFF/iv3_opset17_bn_transform_$STAMP.onnx"
M18="$OFF/iv3_opset18_bn_transform_$STAMP.onnx"
[ -f "$M13" ] || cp "$MODEL" "$M13"
[ -f "$M17" ] || $PY "$ROOT/tools/export_torchvision.py" --weights "$OFF/weights.pt" --opset 17 \
  --keep-batchnorm --out "$M17"
[ -f "$M18" ] || $PY - "$M17" "$M18" <<'PYEOF'
import sys, onnx
m = onnx.load(sys.argv[1])
for o in m.opset_import:
    if o.domain in ("", "ai.onnx"):
        o.version = 18
onnx.save(m, sys.argv[2])
PYEOF

# Inputs: 16 photos preprocessed by torchvision, as one batch of 16 and as 16 batches of 1.
D16="$WORK/data_b16" D1="$WORK/data_b1"
photos_data "$D16" 16
photos_data "$D1" 1

status=0
for model in "$M13" "$M17" "$M18"; do
  for data in "$D16" "$D1"; do
    ref="$WORK/$(basename "$model" .onnx)_$(basename "$data")"
    rm -rf "$ref" && cp -r "$data" "$ref"
    node "$ROOT/tools/ort_run.js" ref "$model" "$ref" >/dev/null
    echo "== $(basename "$model") on $(basename "$data")"
    "$QCC" compare "$model" "$ref" --max-rel 1e-4 --min-top1 1 --json "$ref/compare.json" || status=1
  done
done
exit $status
