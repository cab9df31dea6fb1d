#include "ir/dtype.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace qcc {

size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32: return 4;
    case DType::f16: return 2;
    case DType::s8: return 1;
    case DType::u8: return 1;
    case DType::s32: return 4;
    case DType::s64: return 8;
    case DType::boolean: return 1;
  }
  return 0;
}

const char* dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "f32";
    case DType::f16: return "f16";
    case DType::s8: return "s8";
    case DType::u8: return "u8";
    case DType::s32: return "s32";
    case DType::s64: return "s64";
    case DType::boolean: return "bool";
  }
  return "?";
}

bool is_float(DType t) { return t == DType::f32 || t == DType::f16; }

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  bool dynamic = false, zero = false, overflow = false;
  for (int64_t d : s) {
    dynamic |= d < 0;
    zero |= d == 0;
    if (d > 0) overflow |= __builtin_mul_overflow(n, d, &n);
  }
  if (dynamic) return -1;
  if (zero) return 0;
  if (overflow) throw std::overflow_error("shape " + shape_str(s) + " has too many elements");
  return n;
}

std::optional<uint64_t> shape_bytes(const Shape& s, DType t) {
  uint64_t n = dtype_size(t);
  for (int64_t d : s)
    if (d < 0 || __builtin_mul_overflow(n, static_cast<uint64_t>(d), &n)) return std::nullopt;
  if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return n;
}

bool shape_is_static(const Shape& s) {
  return std::all_of(s.begin(), s.end(), [](int64_t d) { return d >= 0; });
}

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += s[i] < 0 ? std::string("N") : std::to_string(s[i]);
  }
  return out + "]";
}

}  // namespace qcc
