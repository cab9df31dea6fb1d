#!/usr/bin/env bash
# run_e2e_lowp.sh QCC WORK_DIR — the FP16 and INT8 files `qcc compile` writes are standard ONNX:
# ONNX Runtime loads and runs them, and qcc's runtime agrees with it on 16 photos.
#
# The offline model is chaotic under rounding (a seeded network: a one-step difference in one
# activation grows layer by layer), so two correct engines that round the same real number
# differently at a tie drift apart by the last layers. The checks are therefore:
#   * whole FP16 model: logits within 2% of max |logit|, top-1 agreement >= 14/16;
#   * whole INT8 model: logits within 20% of max |logit|, top-1 agreement >= 10/16 (loads, runs,
#     same answer most of the time; a wrong scale or layout gives ~0% agreement);
#   * INT8 stem (the graph cut after its second convolution, before drift sets in): every int8
#     activation equal to ONNX Runtime's or one quantization step away (a float rounding tie),
#     so the integer kernels compute exactly what the QDQ graph means.
source "$(dirname "$0")/common.sh"
FP16="$WORK/iv3_fp16.onnx" INT8="$WORK/iv3_int8.onnx" STEM="$WORK/iv3_int8_stem.onnx"
"$QCC" compile "$MODEL" --precision fp16 -o "$FP16" >/dev/null
"$QCC" compile "$MODEL" --precision int8 --calib "$OFF/calib" --calib-count 64 -o "$INT8" >/dev/null
# Cut the INT8 graph after its second convolution; print that activation's quantization step.
STEP=$($PY - "$INT8" "$STEM" <<'PYEOF'
import sys, onnx, onnx.numpy_helper, onnx.utils
m = onnx.load(sys.argv[1])
cut = "/Conv2d_2a_3x3/Relu_output_0"
dq = next((n for n in m.graph.node if n.op_type == "DequantizeLinear" and n.output[0] == cut + "_dq"), None)
assert dq is not None, f"{sys.argv[1]} has no DequantizeLinear for {cut}"
scale = next(t for t in m.graph.initializer if t.name == dq.input[1])
onnx.save(onnx.utils.Extractor(m).extract_model([m.graph.input[0].name], [dq.output[0]]), sys.argv[2])
print(float(onnx.numpy_helper.to_array(scale)))
PYEOF
)

DATA="$WORK/data_b16"
photos_data "$DATA" 16

status=0
check() {  # MODEL qcc-compare-criteria...
  local model=$1 ref="$WORK/ref_$(basename "$1" .onnx)"
  shift
  rm -rf "$ref" && cp -r "$DATA" "$ref"
  node "$ROOT/tools/ort_run.js" ref "$model" "$ref" >/dev/null
  echo "== $(basename "$model") against ONNX Runtime"
  "$QCC" compare "$model" "$ref" "$@" --json "$ref/compare.json" || status=1
}
check "$FP16" --max-rel 0.02 --min-top1 0.875
check "$INT8" --max-rel 0.2 --min-top1 0.625
check "$STEM" --atol "$($PY -c "print($STEP * 1.001)")" --rtol 0

# A quantized model compiled again (to FP16, and re-quantized) is standard ONNX: onnx.checker
# accepts both files, and qcc runs them.
"$QCC" compile "$INT8" --precision fp16 -o "$WORK/requant_fp16.onnx" >/dev/null || status=1
"$QCC" compile "$INT8" --precision int8 --calib "$OFF/calib" --calib-count 32 -o "$WORK/requant_int8.onnx" >/dev/null || status=1
$PY - "$WORK/requant_fp16.onnx" "$WORK/requant_int8.onnx" <<'PYEOF' || status=1
import sys, onnx
for path in sys.argv[1:]:
    onnx.checker.check_model(onnx.load(path))
    print(f"onnx.checker accepts {path}")
PYEOF
for m in requant_fp16 requant_int8; do check "$WORK/$m.onnx" --max-rel 0.5 --min-top1 0.5; done
exit $status
