// Pooling steps: 2-D max/average pooling on NHWC (rows split across threads) and global average.
#include <stdexcept>
#include <tuple>
#include <vector>

#include "ir/shape_inference.h"
#include "kernels/config.h"
#include "kernels/convert.h"
#include "kernels/elementwise.h"
#include "kernels/pool.h"
#include "runtime/step.h"

namespace qcc {

namespace {

[[noreturn]] void fail(const Node& n, const std::string& msg) {
  throw std::runtime_error(n.label() + ": " + msg);
}

kernels::PoolGeom pool_geom(const Node& n, const Bound& x, const Bound& y) {
  auto k = n.attrs.ints("kernel_shape"), s = n.attrs.ints("strides", {1, 1});
  auto d = n.attrs.ints("dilations", {1, 1}), p = n.attrs.ints("pads", {0, 0, 0, 0});
  kernels::PoolGeom g;
  g.batch = x.shape[0], g.in_h = x.shape[1], g.in_w = x.shape[2], g.c = x.shape[3];
  g.out_h = y.shape[1], g.out_w = y.shape[2];
  g.k_h = k[0], g.k_w = k[1], g.stride_h = s[0], g.stride_w = s[1], g.dil_h = d[0], g.dil_w = d[1];
  g.pad_t = p[0], g.pad_l = p[1], g.pad_b = p[2], g.pad_r = p[3];
  g.in_pixel_stride = x.pixel_stride;
  g.out_pixel_stride = y.pixel_stride;
  g.count_include_pad = n.attrs.i("count_include_pad", 0) != 0;
  return g;
}

// Int8 scales of a pooling node: input and output (average pooling may requantize).
kernels::QuantPair pool_quant(const Node& n) {
  const Value *xi = n.in(0), *yo = n.out(0);
  if (!xi->quant || !yo->quant) fail(n, "int8 average pooling needs quantization scales");
  auto zero = [](const QuantParams& q) { return q.zero_point.empty() ? 0 : q.zero_point[0]; };
  return {xi->quant->scale[0], yo->quant->scale[0], zero(*xi->quant), zero(*yo->quant)};
}

// Int8 pooling, s8 or u8: max is exact, average requantizes to the output scale.
std::function<void(int64_t, int64_t)> q8_window_pool(const Node& n, const kernels::PoolGeom& g, const Bound& x,
                                                     const Bound& y, bool is_max) {
  const bool u8 = x.dtype == DType::u8;
  if (y.dtype != x.dtype) fail(n, "int8 pooling needs the same input and output type");
  if (is_max) {
    if (u8) return [=](int64_t b, int64_t e) { kernels::maxpool_nhwc_u8(g, x.as<uint8_t>(), y.as<uint8_t>(), b, e); };
    return [=](int64_t b, int64_t e) { kernels::maxpool_nhwc_s8(g, x.as<int8_t>(), y.as<int8_t>(), b, e); };
  }
  const kernels::QuantPair q = pool_quant(n);
  if (u8)
    return [=](int64_t b, int64_t e) { kernels::avgpool_nhwc_u8(g, x.as<uint8_t>(), y.as<uint8_t>(), q, b, e); };
  return [=](int64_t b, int64_t e) { kernels::avgpool_nhwc_s8(g, x.as<int8_t>(), y.as<int8_t>(), q, b, e); };
}

std::unique_ptr<Step> window_pool(const Node& n, const Binder& bind) {
  if (!n.nhwc()) fail(n, "pooling must be NHWC here (the layout pass did not run)");
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  kernels::PoolGeom g = pool_geom(n, x, y);
  bool is_max = n.op == Op::MaxPool;
  std::function<void(int64_t, int64_t)> body;
  switch (x.dtype) {
    case DType::f32:
      body = [=](int64_t b, int64_t e) {
        (is_max ? kernels::maxpool_nhwc_f32 : kernels::avgpool_nhwc_f32)(g, x.as<float>(), y.as<float>(), b, e);
      };
      break;
    case DType::f16:
      body = [=](int64_t b, int64_t e) {
        (is_max ? kernels::maxpool_nhwc_f16 : kernels::avgpool_nhwc_f16)(g, x.as<uint16_t>(), y.as<uint16_t>(), b, e);
      };
      break;
    case DType::s8:
    case DType::u8: body = q8_window_pool(n, g, x, y, is_max); break;
    default: fail(n, std::string("no pooling kernel for ") + dtype_name(x.dtype));
  }
  int64_t rows = g.rows();
  return std::make_unique<FnStep>([=] { parallel_for_tasks(rows, body); }, kernels::kernel_config().pool->isa, "pool",
                                  x.dtype == DType::s8 || x.dtype == DType::u8);
}

// Int8 global average pooling: an average pool whose window is the whole image.
std::unique_ptr<Step> global_pool_q8(const Node& n, const Bound& x, const Bound& y) {
  if (!n.nhwc()) fail(n, "int8 global pooling must be NHWC");
  kernels::PoolGeom g;
  g.batch = x.shape[0], g.in_h = g.k_h = x.shape[1], g.in_w = g.k_w = x.shape[2], g.c = x.shape[3];
  g.in_pixel_stride = x.pixel_stride;
  g.out_pixel_stride = y.pixel_stride;
  auto body = q8_window_pool(n, g, x, y, false);
  return std::make_unique<FnStep>([=] { parallel_for_tasks(g.rows(), body); }, kernels::kernel_config().pool->isa,
                                  "pool", true);
}

std::unique_ptr<Step> global_pool(const Node& n, const Binder& bind) {
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  if (x.dtype == DType::s8 || x.dtype == DType::u8) return global_pool_q8(n, x, y);
  if (x.dtype != DType::f32 && x.dtype != DType::f16)
    fail(n, std::string("no global pooling kernel for ") + dtype_name(x.dtype));
  const bool nhwc = n.nhwc();
  const int64_t batch = x.shape[0];
  const int64_t c = nhwc ? x.shape.back() : x.shape[1];
  const int64_t pixels = x.numel() / (batch * c);
  const bool half = x.dtype == DType::f16;
  return std::make_unique<FnStep>([=] {
    std::vector<float> tmp_in, tmp_out;
    const float* in = x.as<float>();
    float* out = y.as<float>();
    if (half) {  // rare and small: convert around the float kernel
      tmp_in.resize(x.numel());
      tmp_out.resize(y.numel());
      kernels::convert_f16_to_f32(x.as<uint16_t>(), tmp_in.data(), x.numel());
      in = tmp_in.data();
      out = tmp_out.data();
    }
    if (nhwc)
      kernels::global_avgpool_nhwc_f32(in, batch, pixels, c, half ? c : x.pixel_stride, out);
    else
      kernels::global_avgpool_nchw_f32(in, batch * c, pixels, out);
    if (half) kernels::convert_f32_to_f16(out, y.as<uint16_t>(), y.numel());
  }, "", "pool");
}

}  // namespace

std::unique_ptr<Step> make_pool_step(const Node& n, const Binder& bind) {
  return n.op == Op::GlobalAveragePool ? global_pool(n, bind) : window_pool(n, bind);
}

}  // namespace qcc
