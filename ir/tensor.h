// A dense, owned, row-major tensor: constants in the IR and host-side inputs/outputs.
#pragma once

#include <cstring>
#include <memory>
#include <vector>

#include "ir/dtype.h"
#include "ir/half.h"

namespace qcc {

/// Default bound on the memory a model file may make qcc allocate (`--max-model-bytes`): its
/// constant data, and the working memory of one inference batch. Checked before allocating.
constexpr uint64_t kDefaultMaxModelBytes = uint64_t{4} << 30;

class Tensor {
 public:
  Tensor() = default;
  Tensor(DType dtype, Shape shape);  ///< zero-filled; shape must be static

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t numel() const { return shape_numel(shape_); }
  size_t nbytes() const { return bytes_.size(); }

  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(bytes_.data());
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(bytes_.data());
  }
  uint8_t* raw() { return bytes_.data(); }
  const uint8_t* raw() const { return bytes_.data(); }

  /// Same bytes, new shape of equal element count.
  Tensor reshaped(Shape shape) const;

  /// Element i converted to double / int64 (for small constants: shapes, scalars, folding).
  double as_double(int64_t i) const;
  int64_t as_int(int64_t i) const;
  std::vector<int64_t> to_ints() const;
  std::vector<float> to_floats() const;

  static Tensor from_floats(Shape shape, const std::vector<float>& v);
  static Tensor from_ints(Shape shape, const std::vector<int64_t>& v);
  /// A rank-0 tensor of any dtype holding `v` (rounded/converted as a cast would).
  static Tensor scalar(DType t, double v);

 private:
  DType dtype_ = DType::f32;
  Shape shape_;
  std::vector<uint8_t> bytes_;
};

using TensorPtr = std::shared_ptr<const Tensor>;

}  // namespace qcc
