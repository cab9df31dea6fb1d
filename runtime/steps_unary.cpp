// Unary elementwise math (kUnaryMath in ops.def): each op is one scalar function below, made
// from the node's parameters; the step applies it to f32 directly, to f16 through f32, and to
// int8 through a 256-entry table built at plan time from the input's and output's quantization
// (q_y = Q(f(DQ(q_x))) for every code, exact; plain int8 tensors use scale 1, zero point 0).
// Adding such an op: a line in ops.def, its function here, its conformance cases.
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include "ir/saturate.h"
#include "kernels/convert.h"
#include "runtime/step.h"

namespace qcc {

namespace {

using Scalar = std::function<float(float)>;

[[noreturn]] void fail(const Node& n, const std::string& msg) { throw std::runtime_error(n.label() + ": " + msg); }

// A scalar parameter: constant input `slot` if present, else attribute `attr`, else `def`.
float parameter(const Node& n, size_t slot, const char* attr, float def) {
  if (const Value* v = n.in(slot)) {
    if (!v->is_constant() || v->data->numel() != 1) fail(n, std::string(attr) + " must be a constant scalar");
    return static_cast<float>(v->data->as_double(0));
  }
  return n.attrs.f(attr, def);
}

Scalar unary_function(const Node& n) {
  constexpr float inf = std::numeric_limits<float>::infinity();
  switch (n.op) {
    case Op::Clip: {  // min/max: inputs 1, 2 from opset 11, attributes before
      const float lo = parameter(n, 1, "min", -inf), hi = parameter(n, 2, "max", inf);
      return [lo, hi](float v) { return std::min(std::max(v, lo), hi); };
    }
    default: fail(n, "no scalar function for this operator");
  }
}

struct Quant {
  float scale = 1;
  int32_t zero = 0;
};
Quant quant(const Value& v) {
  if (!v.quant) return {};
  return {v.quant->scale[0], v.quant->zero_point.empty() ? 0 : v.quant->zero_point[0]};
}

// The 256 outputs of f over every code of an int8 input type.
template <typename TI, typename TO>
std::vector<TO> code_table(const Scalar& f, Quant in, Quant out) {
  std::vector<TO> lut(256);
  for (int c = std::numeric_limits<TI>::min(); c <= std::numeric_limits<TI>::max(); ++c) {
    const float y = f(static_cast<float>(c - in.zero) * in.scale);
    lut[static_cast<uint8_t>(c)] = saturate_cast<TO>(std::nearbyint(y / out.scale) + out.zero);
  }
  return lut;
}

template <typename TI, typename TO>
std::unique_ptr<Step> table_step(const Scalar& f, const Node& n, const Bound& x, const Bound& y) {
  std::vector<TO> lut = code_table<TI, TO>(f, quant(*n.in(0)), quant(*n.out(0)));
  const int64_t count = x.numel();
  return std::make_unique<FnStep>(
      [=] {
        const uint8_t* in = x.as<uint8_t>();
        TO* out = y.as<TO>();
        for (int64_t i = 0; i < count; ++i) out[i] = lut[in[i]];
      },
      "scalar", "", true);
}

}  // namespace

std::unique_ptr<Step> make_unary_step(const Node& n, const Binder& bind) {
  const Bound x = bind(n.in(0)), y = bind(n.out(0));
  const Scalar f = unary_function(n);
  const int64_t count = x.numel();
  if (x.dtype == DType::f32 && y.dtype == DType::f32)
    return std::make_unique<FnStep>([=] {
      for (int64_t i = 0; i < count; ++i) y.as<float>()[i] = f(x.as<float>()[i]);
    });
  if (x.dtype == DType::f16 && y.dtype == DType::f16)
    return std::make_unique<FnStep>([=] {
      thread_local std::vector<float> tmp;  // keeps its capacity: no allocation after the first run
      tmp.resize(count);
      kernels::convert_f16_to_f32(x.as<uint16_t>(), tmp.data(), count);
      for (float& v : tmp) v = f(v);
      kernels::convert_f32_to_f16(tmp.data(), y.as<uint16_t>(), count);
    });
  if (x.dtype == DType::s8 && y.dtype == DType::s8) return table_step<int8_t, int8_t>(f, n, x, y);
  if (x.dtype == DType::u8 && y.dtype == DType::u8) return table_step<uint8_t, uint8_t>(f, n, x, y);
  if (x.dtype == DType::s8 && y.dtype == DType::u8) return table_step<int8_t, uint8_t>(f, n, x, y);
  if (x.dtype == DType::u8 && y.dtype == DType::s8) return table_step<uint8_t, int8_t>(f, n, x, y);
  fail(n, std::string("no kernel for ") + dtype_name(x.dtype) + " -> " + dtype_name(y.dtype));
}

}  // namespace qcc
