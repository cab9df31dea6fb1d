#include "ir/tensor.h"

#include <cassert>
#include <stdexcept>

#include "ir/saturate.h"

namespace qcc {

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  auto bytes = shape_bytes(shape_, dtype_);
  if (!bytes) throw std::invalid_argument("tensor shape must be static and addressable: " + shape_str(shape_));
  bytes_.assign(*bytes, 0);
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shape_numel(shape) != numel())
    throw std::invalid_argument("reshape " + shape_str(shape_) + " to " + shape_str(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

double Tensor::as_double(int64_t i) const {
  switch (dtype_) {
    case DType::f32: return data<float>()[i];
    case DType::f16: return half_to_float(data<uint16_t>()[i]);
    case DType::s8: return data<int8_t>()[i];
    case DType::u8: return data<uint8_t>()[i];
    case DType::s32: return data<int32_t>()[i];
    case DType::s64: return static_cast<double>(data<int64_t>()[i]);
    case DType::boolean: return data<uint8_t>()[i] ? 1.0 : 0.0;
  }
  return 0;
}

int64_t Tensor::as_int(int64_t i) const {
  if (dtype_ == DType::s64) return data<int64_t>()[i];
  return saturate_cast<int64_t>(as_double(i));
}

std::vector<int64_t> Tensor::to_ints() const {
  std::vector<int64_t> v(numel());
  for (int64_t i = 0; i < numel(); ++i) v[i] = as_int(i);
  return v;
}

std::vector<float> Tensor::to_floats() const {
  std::vector<float> v(numel());
  for (int64_t i = 0; i < numel(); ++i) v[i] = static_cast<float>(as_double(i));
  return v;
}

Tensor Tensor::from_floats(Shape shape, const std::vector<float>& v) {
  Tensor t(DType::f32, std::move(shape));
  assert(static_cast<int64_t>(v.size()) == t.numel());
  if (t.nbytes()) std::memcpy(t.raw(), v.data(), t.nbytes());  // an empty vector's data may be null
  return t;
}

Tensor Tensor::from_ints(Shape shape, const std::vector<int64_t>& v) {
  Tensor t(DType::s64, std::move(shape));
  assert(static_cast<int64_t>(v.size()) == t.numel());
  if (t.nbytes()) std::memcpy(t.raw(), v.data(), t.nbytes());
  return t;
}

Tensor Tensor::scalar(DType t, double v) {
  Tensor out(t, {});
  switch (t) {
    case DType::f32: *out.data<float>() = static_cast<float>(v); break;
    case DType::f16: *out.data<uint16_t>() = float_to_half(static_cast<float>(v)); break;
    case DType::s8: *out.data<int8_t>() = saturate_cast<int8_t>(v); break;
    case DType::u8:
    case DType::boolean: *out.data<uint8_t>() = saturate_cast<uint8_t>(v); break;
    case DType::s32: *out.data<int32_t>() = saturate_cast<int32_t>(v); break;
    case DType::s64: *out.data<int64_t>() = saturate_cast<int64_t>(v); break;
  }
  return out;
}

}  // namespace qcc
