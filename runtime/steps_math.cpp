// Arithmetic steps: activations, broadcast binary ops, softmax, batch norm, casts, (de)quantize.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "ir/shape_inference.h"
#include "kernels/convert.h"
#include "kernels/elementwise.h"
#include "runtime/step.h"

namespace qcc {

namespace {

using kernels::Dims;

[[noreturn]] void fail(const Node& n, const std::string& msg) {
  throw std::runtime_error(n.label() + ": " + msg);
}

// Relu keeps its input's quantization (ops.def): the quantized 0 is the zero point.
template <typename T>
std::unique_ptr<Step> relu_q_step(const Node& n, const Bound& x, const Bound& y) {
  const QuantParams* q = n.in(0)->quant ? &*n.in(0)->quant : nullptr;
  if (q && (!q->per_tensor() || !n.out(0)->quant || !(*n.out(0)->quant == *q)))
    fail(n, "an int8 Relu needs one per-tensor quantization shared by its input and output");
  const T zero = static_cast<T>(q && !q->zero_point.empty() ? q->zero_point[0] : 0);
  const int64_t count = x.numel();
  return std::make_unique<FnStep>([=] { kernels::relu_q(x.as<T>(), y.as<T>(), count, zero); });
}

std::unique_ptr<Step> relu_step(const Node& n, const Bound& x, const Bound& y) {
  int64_t count = x.numel();
  switch (x.dtype) {
    case DType::f32: return std::make_unique<FnStep>([=] { kernels::relu_f32(x.as<float>(), y.as<float>(), count); });
    case DType::f16: return std::make_unique<FnStep>([=] { kernels::relu_f16(x.as<uint16_t>(), y.as<uint16_t>(), count); });
    case DType::s8:
      return relu_q_step<int8_t>(n, x, y);
    case DType::u8:
      return relu_q_step<uint8_t>(n, x, y);
    default: fail(n, std::string("no Relu kernel for ") + dtype_name(x.dtype));
  }
}

std::unique_ptr<Step> binary_step(const Node& n, const Bound& a, const Bound& b, const Bound& y) {
  kernels::BinaryOp op = n.op == Op::Add   ? kernels::BinaryOp::add
                         : n.op == Op::Sub ? kernels::BinaryOp::sub
                         : n.op == Op::Mul ? kernels::BinaryOp::mul
                                           : kernels::BinaryOp::div;
  if (a.dtype != b.dtype) fail(n, "operand types differ");
  if (a.dtype == DType::f16) fail(n, "f16 arithmetic is not supported");
  Dims sa = kernels::broadcast_strides(a.shape, y.shape), sb = kernels::broadcast_strides(b.shape, y.shape);
  kernels::ElemType t = elem_type(a.dtype);
  std::string label = n.label();
  return std::make_unique<FnStep>([=] {
    if (!kernels::binary(op, t, a.data, sa, b.data, sb, y.data, y.shape))
      throw std::runtime_error(label + ": integer division by zero");
  });
}

std::unique_ptr<Step> softmax_step(const Node& n, const Bound& x, const Bound& y) {
  if (x.dtype != DType::f32) fail(n, "Softmax supports f32 only");
  int64_t rank = static_cast<int64_t>(x.shape.size());
  int64_t axis = n.attrs.i("axis", -1);
  if (axis < 0) axis += rank;
  int64_t outer = 1, len = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) (d < axis ? outer : d == axis ? len : inner) *= x.shape[d];
  if (n.coerce_2d) {  // opset < 13: everything from axis on is one softmax row
    len *= inner;
    inner = 1;
  }
  return std::make_unique<FnStep>([=] { kernels::softmax_f32(x.as<float>(), y.as<float>(), outer, len, inner); });
}

std::unique_ptr<Step> batchnorm_step(const Node& n, const Binder& bind, const Bound& x, const Bound& y) {
  if (x.dtype != DType::f32) fail(n, "BatchNormalization supports f32 only");
  Bound sc = bind(n.in(1)), bi = bind(n.in(2)), mean = bind(n.in(3)), var = bind(n.in(4));
  const bool nhwc = n.nhwc();
  int64_t c = nhwc ? x.shape.back() : x.shape[1];
  int64_t outer = nhwc ? x.numel() / c : x.shape[0];
  int64_t inner = nhwc ? 1 : x.numel() / (x.shape[0] * c);
  float eps = n.attrs.f("epsilon", 1e-5f);
  return std::make_unique<FnStep>([=] {
    kernels::batchnorm_f32(x.as<float>(), y.as<float>(), outer, c, inner, sc.as<float>(), bi.as<float>(),
                           mean.as<float>(), var.as<float>(), eps);
  });
}

// (De)quantization parameters: one (scale, zero point) per slice along `axis` (one slice when
// per-tensor).
struct QuantSlices {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;
  int64_t outer = 1, inner = 1;
};

QuantSlices quant_slices(const Node& n, const Bound& x) {
  if (!n.in(1)->is_constant() || (n.in(2) && !n.in(2)->is_constant()))
    fail(n, "scale and zero point must be constants");
  QuantSlices q;
  q.scale = n.in(1)->data->to_floats();
  q.zero_point.assign(q.scale.size(), 0);
  if (n.in(2)) {
    auto zp = n.in(2)->data->to_ints();
    if (zp.size() != q.scale.size()) fail(n, "scale and zero point sizes differ");
    for (size_t i = 0; i < zp.size(); ++i) q.zero_point[i] = static_cast<int32_t>(zp[i]);
  }
  if (q.scale.size() == 1) {
    q.inner = x.numel();
    return q;
  }
  int64_t rank = static_cast<int64_t>(x.shape.size()), axis = n.attrs.i("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank || x.shape[axis] != static_cast<int64_t>(q.scale.size()))
    fail(n, "per-axis scale does not match the axis");
  for (int64_t d = 0; d < axis; ++d) q.outer *= x.shape[d];
  for (int64_t d = axis + 1; d < rank; ++d) q.inner *= x.shape[d];
  return q;
}

// Applies fn(src offset, count, scale, zero point) to every slice, in parallel chunks (a
// per-tensor input quantize is one slice of the whole batch).
template <typename F>
void for_each_slice(const QuantSlices& q, F fn) {
  constexpr int64_t kChunk = 1 << 16;
  const int64_t channels = static_cast<int64_t>(q.scale.size());
  const int64_t parts = (q.inner + kChunk - 1) / kChunk;
  parallel_for_tasks(q.outer * channels * parts, [&](int64_t b, int64_t e) {
    for (int64_t t = b; t < e; ++t) {
      const int64_t slice = t / parts, begin = t % parts * kChunk, c = slice % channels;
      fn(slice * q.inner + begin, std::min(kChunk, q.inner - begin), q.scale[c], q.zero_point[c]);
    }
  });
}

std::unique_ptr<Step> quantize_step(const Node& n, const Bound& x, const Bound& y) {
  QuantSlices q = quant_slices(n, x);
  if (n.op == Op::QuantizeLinear) {
    if (x.dtype != DType::f32) fail(n, "QuantizeLinear input must be f32");
    if (y.dtype != DType::s8 && y.dtype != DType::u8) fail(n, "QuantizeLinear output must be int8/uint8");
    const bool s8 = y.dtype == DType::s8;
    return std::make_unique<FnStep>([=] {
      for_each_slice(q, [&](int64_t off, int64_t count, float scale, int32_t zp) {
        if (s8)
          kernels::quantize_f32_to_s8(x.as<float>() + off, y.as<int8_t>() + off, count, scale, zp);
        else
          kernels::quantize_f32_to_u8(x.as<float>() + off, y.as<uint8_t>() + off, count, scale, zp);
      });
    });
  }
  if (x.dtype != DType::s8 && x.dtype != DType::u8 && x.dtype != DType::s32)
    fail(n, std::string("cannot dequantize ") + dtype_name(x.dtype));
  const DType t = x.dtype;
  return std::make_unique<FnStep>([=] {
    for_each_slice(q, [&](int64_t off, int64_t count, float scale, int32_t zp) {
      if (t == DType::s8)
        kernels::dequantize_s8_to_f32(x.as<int8_t>() + off, y.as<float>() + off, count, scale, zp);
      else if (t == DType::u8)
        kernels::dequantize_u8_to_f32(x.as<uint8_t>() + off, y.as<float>() + off, count, scale, zp);
      else
        for (int64_t i = 0; i < count; ++i) y.as<float>()[off + i] = static_cast<float>(x.as<int32_t>()[off + i] - zp) * scale;
    });
  });
}

}  // namespace

std::unique_ptr<Step> make_math_step(const Node& n, const Binder& bind) {
  if (op_has(n.op, kUnaryMath)) return make_unary_step(n, bind);
  for (const Value* v : n.inputs)
    if (v && !bind(v).dense()) fail(n, "input '" + v->name + "' is a strided view");
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  switch (n.op) {
    case Op::Relu: return relu_step(n, x, y);
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div: return binary_step(n, x, bind(n.in(1)), y);
    case Op::Softmax: return softmax_step(n, x, y);
    case Op::BatchNormalization: return batchnorm_step(n, bind, x, y);
    case Op::Cast: {
      kernels::ElemType from = elem_type(x.dtype), to = elem_type(y.dtype);
      int64_t count = x.numel();
      return std::make_unique<FnStep>([=] { kernels::cast(from, x.data, to, y.data, count); });
    }
    case Op::QuantizeLinear:
    case Op::DequantizeLinear: return quantize_step(n, x, y);
    default: fail(n, "no kernel for this operator");
  }
}

}  // namespace qcc
