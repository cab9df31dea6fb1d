"""Writes the hostile inputs of run_hostile_memory.sh into OUT_DIR: small files that declare huge
tensors or images (each a case of issue 9), and tiny.onnx, a valid model taking 299x299 images to
run them against. Usage: hostile_inputs.py OUT_DIR"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

out = sys.argv[1]
os.makedirs(f"{out}/data_huge_input", exist_ok=True)


def model(path, initializers):
    """GlobalAveragePool -> Flatten -> Gemm with weight `w` (the first initializer)."""
    graph = helper.make_graph(
        [helper.make_node("GlobalAveragePool", ["input"], ["pooled"]),
         helper.make_node("Flatten", ["pooled"], ["flat"]),
         helper.make_node("Gemm", ["flat", "w"], ["logits"], transB=1)],
        "hostile", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 299, 299])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 5])], initializers)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Written with SerializeToString: onnx.save would check or resolve the broken tensors.
    with open(path, "wb") as f:
        f.write(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]).SerializeToString())


def declared(name, dims, raw=b"\0" * 16):
    """A float tensor declaring `dims` but holding only `raw`."""
    t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=dims)
    t.raw_data = raw
    return t


def external(name, dims, location, length):
    t = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=dims)
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", "0"), ("length", str(length))):
        e = t.external_data.add()
        e.key, e.value = k, v
    return t


w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32), "w")
model(f"{out}/tiny.onnx", [w])
model(f"{out}/huge_initializer.onnx", [declared("w", [5, 100_000_000])])  # 2 GB declared
model(f"{out}/wrapping_dims.onnx", [declared("w", [2**62 + 1, 4])])  # element count wraps to 4
os.symlink("/dev/zero", f"{out}/zero.bin")
model(f"{out}/external_dev_zero.onnx", [external("w", [2_000_000_000], "zero.bin", 8_000_000_000)])
model(f"{out}/sub/external_escape.onnx", [external("w", [5, 3], "../../../../../../etc/passwd", 60)])

# A TensorProto of ~100 bytes declaring a 10.8 GB input, beside a valid expected output.
with open(f"{out}/data_huge_input/input_0.pb", "wb") as f:
    f.write(declared("input", [1, 3, 30000, 30000]).SerializeToString())
with open(f"{out}/data_huge_input/output_0.pb", "wb") as f:
    f.write(numpy_helper.from_array(np.zeros((1, 5), np.float32), "logits").SerializeToString())

# Real PNGs, tiny on disk, whose 1-pixel side resized to 342 would ask for 21 GB and 1 GB.
Image.new("L", (60000, 1), 128).save(f"{out}/bomb_60000x1.png", optimize=True)
Image.new("L", (3000, 1), 128).save(f"{out}/wide_3000x1.png", optimize=True)
# A valid 1x1 PNG whose header then claims 2^31-1 x 2^31-1 (the PNG maximum; CRC not checked).
Image.new("L", (1, 1), 128).save(f"{out}/claims_huge.png")
png = bytearray(open(f"{out}/claims_huge.png", "rb").read())
png[16:24] = (2**31 - 1).to_bytes(4, "big") * 2
open(f"{out}/claims_huge.png", "wb").write(bytes(png))
