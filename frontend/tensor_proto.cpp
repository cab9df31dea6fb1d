#include "frontend/tensor_proto.h"

#include <fstream>
#include <stdexcept>

namespace qcc {

namespace {

template <typename Dst, typename Src>
void copy_converted(Tensor& t, const Src& field) {
  if (field.size() != t.numel())
    throw std::runtime_error("holds " + std::to_string(field.size()) + " values for shape " +
                             shape_str(t.shape()));
  Dst* d = t.data<Dst>();
  for (int i = 0; i < field.size(); ++i) d[i] = static_cast<Dst>(field.Get(i));
}

std::string read_external(const onnx::TensorProto& p, const std::string& base_dir, size_t want) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") location = kv.value();
    if (kv.key() == "offset") offset = std::stoll(kv.value());
    if (kv.key() == "length") length = std::stoll(kv.value());
  }
  if (location.empty()) throw std::runtime_error("external data without a location");
  std::string path = base_dir.empty() ? location : base_dir + "/" + location;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open external data file " + path);
  if (length >= 0 && static_cast<size_t>(length) != want)
    throw std::runtime_error("external data length " + std::to_string(length) + " != expected " +
                             std::to_string(want));
  std::string bytes(want, '\0');
  f.seekg(offset);
  f.read(bytes.data(), static_cast<std::streamsize>(want));
  if (static_cast<size_t>(f.gcount()) != want)
    throw std::runtime_error("external data file " + path + " is truncated");
  return bytes;
}

}  // namespace

std::optional<DType> dtype_from_onnx(int t) {
  switch (t) {
    case onnx::TensorProto_DataType_FLOAT: return DType::f32;
    case onnx::TensorProto_DataType_FLOAT16: return DType::f16;
    case onnx::TensorProto_DataType_INT8: return DType::s8;
    case onnx::TensorProto_DataType_UINT8: return DType::u8;
    case onnx::TensorProto_DataType_INT32: return DType::s32;
    case onnx::TensorProto_DataType_INT64: return DType::s64;
    case onnx::TensorProto_DataType_BOOL: return DType::boolean;
    default: return std::nullopt;
  }
}

int dtype_to_onnx(DType t) {
  switch (t) {
    case DType::f32: return onnx::TensorProto_DataType_FLOAT;
    case DType::f16: return onnx::TensorProto_DataType_FLOAT16;
    case DType::s8: return onnx::TensorProto_DataType_INT8;
    case DType::u8: return onnx::TensorProto_DataType_UINT8;
    case DType::s32: return onnx::TensorProto_DataType_INT32;
    case DType::s64: return onnx::TensorProto_DataType_INT64;
    case DType::boolean: return onnx::TensorProto_DataType_BOOL;
  }
  return 0;
}

Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& base_dir) {
  auto dt = dtype_from_onnx(p.data_type());
  if (!dt) throw std::runtime_error("unsupported tensor data type " + std::to_string(p.data_type()));
  Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape)
    if (d < 0) throw std::runtime_error("negative dimension in tensor");
  Tensor t(*dt, shape);
  if (p.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    std::string bytes = read_external(p, base_dir, t.nbytes());
    std::memcpy(t.raw(), bytes.data(), t.nbytes());
    return t;
  }
  if (p.has_raw_data()) {
    if (p.raw_data().size() != t.nbytes())
      throw std::runtime_error("raw_data holds " + std::to_string(p.raw_data().size()) +
                               " bytes, shape " + shape_str(shape) + " needs " +
                               std::to_string(t.nbytes()));
    std::memcpy(t.raw(), p.raw_data().data(), t.nbytes());
    return t;
  }
  switch (*dt) {
    case DType::f32: copy_converted<float>(t, p.float_data()); break;
    case DType::f16: copy_converted<uint16_t>(t, p.int32_data()); break;
    case DType::s8: copy_converted<int8_t>(t, p.int32_data()); break;
    case DType::u8:
    case DType::boolean: copy_converted<uint8_t>(t, p.int32_data()); break;
    case DType::s32: copy_converted<int32_t>(t, p.int32_data()); break;
    case DType::s64: copy_converted<int64_t>(t, p.int64_data()); break;
  }
  return t;
}

onnx::TensorProto tensor_to_proto(const Tensor& t, const std::string& name) {
  onnx::TensorProto p;
  p.set_name(name);
  p.set_data_type(dtype_to_onnx(t.dtype()));
  for (int64_t d : t.shape()) p.add_dims(d);
  p.set_raw_data(t.raw(), t.nbytes());
  return p;
}

Tensor load_tensor_file(const std::string& path, std::string* name) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot open");
  onnx::TensorProto p;
  if (!p.ParseFromIstream(&f)) throw std::runtime_error(path + ": not a TensorProto");
  if (name) *name = p.name();
  try {
    return tensor_from_proto(p, "");
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

void save_tensor_file(const std::string& path, const Tensor& t, const std::string& name) {
  std::ofstream f(path, std::ios::binary);
  if (!f || !tensor_to_proto(t, name).SerializeToOstream(&f))
    throw std::runtime_error(path + ": cannot write");
}

}  // namespace qcc
