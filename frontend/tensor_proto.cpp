#include "frontend/tensor_proto.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "frontend/file_io.h"
#include "ir/printable.h"

namespace fs = std::filesystem;

namespace qcc {

namespace {

template <typename Dst, typename Src>
void copy_converted(Tensor& t, const Src& field) {
  Dst* d = t.data<Dst>();
  for (int i = 0; i < field.size(); ++i) d[i] = static_cast<Dst>(field.Get(i));
}

// Element count of the typed field that holds a tensor of type t (when raw_data is not used).
int64_t typed_field_size(const onnx::TensorProto& p, DType t) {
  switch (t) {
    case DType::f32: return p.float_data_size();
    case DType::s64: return p.int64_data_size();
    default: return p.int32_data_size();
  }
}

int64_t parse_offset(const std::string& key, const std::string& text) {
  int64_t v = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0)
    throw std::runtime_error("external data " + key + " '" + printable(text) + "' is not a byte count");
  return v;
}

// The file behind an external data location: a relative path that stays inside the model's
// folder -- no "..", not absolute, no symbolic link leading out -- and names a regular file (not
// /dev/zero or a pipe).
fs::path external_file(const std::string& base_dir, const std::string& location) {
  const std::string shown = "external data location '" + printable(location) + "'";
  if (location.empty()) throw std::runtime_error("external data without a location");
  if (location.find('\0') != std::string::npos) throw std::runtime_error(shown + " holds a NUL byte");
  const fs::path loc(location);
  if (loc.is_absolute()) throw std::runtime_error(shown + " is absolute (must be relative to the model)");
  for (const auto& part : loc)
    if (part == "..") throw std::runtime_error(shown + " leaves the model's folder");
  std::error_code ec;
  const fs::path base = fs::canonical(base_dir.empty() ? "." : base_dir, ec);
  const fs::path real = ec ? fs::path() : fs::canonical(base / loc, ec);
  if (ec) throw std::runtime_error(shown + ": cannot open (" + ec.message() + ")");
  auto [b, r] = std::mismatch(base.begin(), base.end(), real.begin(), real.end());
  if (b != base.end()) throw std::runtime_error(shown + " resolves outside the model's folder");
  if (!fs::is_regular_file(real)) throw std::runtime_error(shown + " is not a regular file");
  return real;
}

void read_external(const onnx::TensorProto& p, const std::string& base_dir, Tensor& t) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    if (kv.key() == "location") location = kv.value();
    if (kv.key() == "offset") offset = parse_offset("offset", kv.value());
    if (kv.key() == "length") length = parse_offset("length", kv.value());
  }
  const uint64_t want = t.nbytes();
  if (length >= 0 && static_cast<uint64_t>(length) != want)
    throw std::runtime_error("external data length " + std::to_string(length) + " != " + std::to_string(want) +
                             " bytes of shape " + shape_str(t.shape()));
  const fs::path path = external_file(base_dir, location);
  const uint64_t size = fs::file_size(path);
  if (static_cast<uint64_t>(offset) > size || size - offset < want)
    throw std::runtime_error("external data file '" + printable(location) + "' (" + std::to_string(size) +
                             " bytes) is too short for " + std::to_string(want) + " bytes at offset " +
                             std::to_string(offset));
  std::ifstream f(path, std::ios::binary);
  f.seekg(offset);
  f.read(reinterpret_cast<char*>(t.raw()), static_cast<std::streamsize>(want));
  if (!f || static_cast<uint64_t>(f.gcount()) != want)
    throw std::runtime_error("external data file '" + printable(location) + "' could not be read");
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

Tensor tensor_from_proto(const onnx::TensorProto& p, const std::string& base_dir, uint64_t max_bytes) {
  auto dt = dtype_from_onnx(p.data_type());
  if (!dt) throw std::runtime_error("unsupported tensor data type " + std::to_string(p.data_type()));
  const Shape shape(p.dims().begin(), p.dims().end());
  for (int64_t d : shape)
    if (d < 0) throw std::runtime_error("negative dimension in tensor shape " + shape_str(shape));
  // Every size is checked before the tensor is allocated: a few bytes of file must not make qcc
  // allocate gigabytes.
  const auto bytes = shape_bytes(shape, *dt);
  if (!bytes) throw std::runtime_error("tensor shape " + shape_str(shape) + " is too large to address");
  if (*bytes > max_bytes)
    throw std::runtime_error("tensor of shape " + shape_str(shape) + " needs " + std::to_string(*bytes) +
                             " bytes, over the limit of " + std::to_string(max_bytes) + " (--max-model-bytes)");
  const bool external = p.data_location() == onnx::TensorProto_DataLocation_EXTERNAL;
  if (!external && p.has_raw_data() && p.raw_data().size() != *bytes)
    throw std::runtime_error("raw_data holds " + std::to_string(p.raw_data().size()) + " bytes, shape " +
                             shape_str(shape) + " needs " + std::to_string(*bytes));
  if (!external && !p.has_raw_data() && typed_field_size(p, *dt) != shape_numel(shape))
    throw std::runtime_error("holds " + std::to_string(typed_field_size(p, *dt)) + " values for shape " +
                             shape_str(shape));
  Tensor t(*dt, shape);
  if (external) {
    read_external(p, base_dir, t);
  } else if (p.has_raw_data()) {
    if (t.nbytes()) std::memcpy(t.raw(), p.raw_data().data(), t.nbytes());  // (an empty tensor's data is null)
  } else {
    switch (*dt) {
      case DType::f32: copy_converted<float>(t, p.float_data()); break;
      case DType::f16: copy_converted<uint16_t>(t, p.int32_data()); break;
      case DType::s8: copy_converted<int8_t>(t, p.int32_data()); break;
      case DType::u8:
      case DType::boolean: copy_converted<uint8_t>(t, p.int32_data()); break;
      case DType::s32: copy_converted<int32_t>(t, p.int32_data()); break;
      case DType::s64: copy_converted<int64_t>(t, p.int64_data()); break;
    }
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

Tensor tensor_from_bytes(const std::string& bytes, const std::string& base_dir, std::string* name,
                         uint64_t max_bytes) {
  onnx::TensorProto p;
  if (!p.ParseFromString(bytes)) throw std::runtime_error("not a TensorProto (protobuf parse failed)");
  if (name) *name = p.name();
  return tensor_from_proto(p, base_dir, max_bytes);
}

Tensor load_tensor_file(const std::string& path, std::string* name, uint64_t max_bytes) {
  // A serialized tensor is at most its data plus a little framing; protobuf cannot parse 2 GiB.
  regular_file_size(path, std::min<uint64_t>(max_bytes + (1 << 20), kMaxProtobufBytes));
  std::ifstream f(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  if (!f.eof() && !f) throw std::runtime_error(printable(path) + ": cannot read");
  try {
    return tensor_from_bytes(bytes, fs::path(path).parent_path().string(), name, max_bytes);
  } catch (const std::exception& e) {
    throw std::runtime_error(printable(path) + ": " + e.what());
  }
}

void save_tensor_file(const std::string& path, const Tensor& t, const std::string& name) {
  onnx::TensorProto p = tensor_to_proto(t, name);
  write_file(path, [&](std::ostream& f) {
    if (!p.SerializeToOstream(&f)) f.setstate(std::ios::badbit);
  });
}

}  // namespace qcc
