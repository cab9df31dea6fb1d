#!/usr/bin/env bash
# run_eval_memory.sh QCC WORK_DIR — `qcc eval`'s memory does not grow with the number of images:
# peak RSS on 500 and on 5000 images (the validation folder repeated through symbolic links)
# within 10% (tools/eval_memory.sh). A tiny classifier (pooling + one Gemm) keeps the run short and
# the baseline small, so growth per image would show. Batches of 4: with a model this fast the
# loader's pipeline holds two or three batches at its peak, depending on timing, and a 16-image
# batch (17 MB of pixels) would be a step of 12% either way. The full-size measurement
# (Inception V3, 1k vs 10k images) is in the README.
source "$(dirname "$0")/common.sh"
TINY="$WORK/tiny.onnx"
$PY - "$TINY" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((80, 3)).astype(np.float32), "w")
graph = helper.make_graph(
    [helper.make_node("GlobalAveragePool", ["input"], ["pooled"]),
     helper.make_node("Flatten", ["pooled"], ["flat"]),
     helper.make_node("Gemm", ["flat", "w"], ["logits"], transB=1)],
    "tiny", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 299, 299])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 80])], [w])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), sys.argv[1])
PYEOF
"$ROOT/tools/eval_memory.sh" "$QCC" "$WORK" "$OFF/val" 500 5000 "$TINY" --batch 4
