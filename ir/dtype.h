// Element types and quantization parameters carried by IR values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qcc {

/// Element type of a value. `boolean` exists only so that ONNX masks (Dropout) can be typed.
enum class DType : uint8_t { f32, f16, s8, u8, s32, s64, boolean };

/// Size of one element in bytes.
size_t dtype_size(DType t);
/// Short printable name ("f32", "s8", ...).
const char* dtype_name(DType t);
bool is_float(DType t);

/// Affine quantization: real = scale * (q - zero_point). One entry per tensor, or one per slice
/// along `axis` (per-channel).
struct QuantParams {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int axis = -1;  ///< -1: per-tensor

  bool per_tensor() const { return scale.size() == 1; }
  bool operator==(const QuantParams& o) const {
    return scale == o.scale && zero_point == o.zero_point && axis == o.axis;
  }
};

/// Tensor shape. A dimension of -1 is dynamic (the batch dimension of a model input).
using Shape = std::vector<int64_t>;
constexpr int64_t kDynamicDim = -1;
/// Highest rank qcc accepts (ONNX vision models use up to 6; a bound keeps per-dimension loops
/// and index arithmetic of hostile shapes small).
constexpr size_t kMaxRank = 8;
/// Largest dimension qcc accepts: a tensor that long is beyond any memory limit already, and the
/// bound keeps sums and products of two dimensions inside int64.
constexpr int64_t kMaxDim = int64_t{1} << 32;

/// Number of elements; -1 when a dimension is dynamic. Throws std::overflow_error when the count
/// does not fit int64 (a hostile file's dims must never wrap to a small count).
int64_t shape_numel(const Shape& s);
/// Bytes of a static shape of `t`, or nullopt when a dimension is dynamic or negative or the
/// size overflows: the check to run before allocating anything a file asks for.
std::optional<uint64_t> shape_bytes(const Shape& s, DType t);
bool shape_is_static(const Shape& s);
std::string shape_str(const Shape& s);

}  // namespace qcc
