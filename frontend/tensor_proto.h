// ONNX TensorProto <-> qcc Tensor, including external data and standalone .pb files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <onnx/onnx_pb.h>

#include "ir/tensor.h"

namespace qcc {

/// Protobuf refuses messages of 2 GiB and more: larger files must keep their data external.
constexpr uint64_t kMaxProtobufBytes = (uint64_t{2} << 30) - 1;

/// ONNX TensorProto_DataType -> DType; nullopt for types qcc does not handle.
std::optional<DType> dtype_from_onnx(int onnx_type);
int dtype_to_onnx(DType t);

/// Decodes a TensorProto. `base_dir` resolves external data locations, which must stay inside it.
/// Sizes are checked against the data present and against `max_bytes` before anything is
/// allocated. Throws std::runtime_error.
Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& base_dir,
                         uint64_t max_bytes = kDefaultMaxModelBytes);
onnx::TensorProto tensor_to_proto(const Tensor& t, const std::string& name);

/// A serialized TensorProto (the input_K.pb / output_K.pb of ONNX test data), from memory (external
/// data resolved in `base_dir`) or from a file (external data next to it). Throws
/// std::runtime_error (naming the file).
Tensor tensor_from_bytes(const std::string& bytes, const std::string& base_dir, std::string* name = nullptr,
                         uint64_t max_bytes = kDefaultMaxModelBytes);
Tensor load_tensor_file(const std::string& path, std::string* name = nullptr,
                        uint64_t max_bytes = kDefaultMaxModelBytes);
/// Writes atomically (see write_file); throws naming the file.
void save_tensor_file(const std::string& path, const Tensor& t, const std::string& name);

}  // namespace qcc
