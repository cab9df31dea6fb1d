// ONNX TensorProto <-> qcc Tensor, including external data and standalone .pb files.
#pragma once

#include <optional>
#include <string>

#include <onnx/onnx_pb.h>

#include "ir/tensor.h"

namespace qcc {

/// ONNX TensorProto_DataType -> DType; nullopt for types qcc does not handle.
std::optional<DType> dtype_from_onnx(int onnx_type);
int dtype_to_onnx(DType t);

/// Decodes a TensorProto. `base_dir` resolves external data locations. Throws std::runtime_error.
Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& base_dir);
onnx::TensorProto tensor_to_proto(const Tensor& t, const std::string& name);

/// A serialized TensorProto file (the input_K.pb / output_K.pb of ONNX test data).
Tensor load_tensor_file(const std::string& path, std::string* name = nullptr);
void save_tensor_file(const std::string& path, const Tensor& t, const std::string& name);

}  // namespace qcc
