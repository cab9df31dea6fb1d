// Conv (NHWC), Gemm and MatMul with constant weights bound to the packed implicit-GEMM kernels;
// Gemm/MatMul with runtime B fall back to the reference matmul.
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "ir/saturate.h"
#include "ir/shape_inference.h"
#include "kernels/config.h"
#include "kernels/conv_igemm.h"
#include "kernels/elementwise.h"
#include "kernels/winograd.h"
#include "passes/quant_math.h"
#include "runtime/step.h"

namespace qcc {

namespace {

using kernels::ConvArgs;
using kernels::ConvGeom;
using kernels::GemmType;
using kernels::PackedWeights;
using kernels::Ukernel;

int64_t arena_threads() {
  return tbb::this_task_arena::max_concurrency();
}

[[noreturn]] void fail(const Node& n, const std::string& msg) {
  throw std::runtime_error(n.label() + ": " + msg);
}

class ConvStep : public Step {
 public:
  ConvStep(ConvArgs args, std::unique_ptr<PackedWeights> w, std::vector<uint8_t> zero)
      : args_(args), w_(std::move(w)), zero_(std::move(zero)) {
    args_.w = w_.get();
    args_.zero_row = zero_.data();
    chunk_ = kernels::conv_chunk_rows(args_);
  }

  void run(const ExecContext& ctx) override {
    // Few rows are one chunk (conv_chunk_rows), split by panels; else a multiple of the threads.
    const bool one_chunk = chunk_ >= args_.g.m();
    const RowChunks rows(args_.g.m(), w_->uk.mr, chunk_, one_chunk ? 1 : arena_threads());
    const int64_t chunks = rows.count();
    // Few row chunks (late layers, small batches): also split the output channels, as evenly
    // as the panels allow.
    const int64_t want = 2 * arena_threads();
    const int64_t groups =
        chunks >= want ? 1 : std::min<int64_t>(w_->panels, (want + chunks - 1) / chunks);
    parallel_for_tasks(chunks * groups, [&](int64_t b, int64_t e) {
      uint8_t* scratch = ctx.thread_scratch();
      for (int64_t t = b; t < e; ++t) {
        int64_t c = t / groups, gi = t % groups;
        int64_t p0 = gi * w_->panels / groups, p1 = (gi + 1) * w_->panels / groups;
        if (p0 < p1) kernels::conv_run(args_, rows.begin(c), rows.end(c), p0, p1, scratch);
      }
    });
  }

  size_t scratch_bytes() const override { return kernels::conv_scratch_bytes(args_, chunk_); }
  int64_t macs() const override { return args_.g.m() * args_.g.k() * w_->n; }
  const char* isa() const override { return w_->uk.isa; }
  const char* kind() const override {
    const ConvGeom& g = args_.g;
    if (g.in_h == 1 && g.in_w == 1 && g.taps() == 1) return "gemm (fc)";
    if (g.in_c <= 4) return "first conv";
    if (g.taps() == 1) return "1x1";
    return g.k_h != g.k_w ? "1xn / nx1" : "kxk";
  }
  bool integer() const override { return w_->type.q8(); }

 private:
  ConvArgs args_;
  std::unique_ptr<PackedWeights> w_;
  std::vector<uint8_t> zero_;
  int64_t chunk_ = 0;
};

// 3x3 stride-1 float convolutions: Winograd F(4x4 or 2x2, 3x3), tile chunks split across threads.
class WinogradStep : public Step {
 public:
  WinogradStep(kernels::WinogradArgs args, std::unique_ptr<kernels::WinogradWeights> w)
      : args_(args), w_(std::move(w)) {
    args_.w = w_.get();
    chunk_ = kernels::winograd_chunk_tiles(args_);
  }

  void run(const ExecContext& ctx) override {
    const RowChunks tiles(kernels::winograd_tiles(args_.g, args_.w->m), args_.w->u[0].uk.mr, chunk_,
                          arena_threads());
    parallel_for_tasks(tiles.count(), [&](int64_t b, int64_t e) {
      for (int64_t c = b; c < e; ++c)
        kernels::winograd_run(args_, tiles.begin(c), tiles.end(c), ctx.thread_scratch());
    });
  }

  size_t scratch_bytes() const override { return kernels::winograd_scratch_bytes(args_, chunk_); }
  int64_t macs() const override { return args_.g.m() * args_.g.k() * args_.g.out_c; }
  const char* isa() const override { return args_.kernels->isa; }
  const char* kind() const override { return "winograd 3x3"; }

 private:
  kernels::WinogradArgs args_;
  std::unique_ptr<kernels::WinogradWeights> w_;
  int64_t chunk_ = 0;
};

bool is_int8(DType t) { return t == DType::s8 || t == DType::u8; }

// Whether int8 weights all lie in -63..63 (compiled with --weight-bits 7, or simply small):
// then AVX2 needs no int16 widening against saturation.
bool weights_fit_7_bits(const Value* w) {
  if (w->dtype != DType::s8) return false;
  const int8_t* q = w->data->data<int8_t>();
  return std::all_of(q, q + w->data->numel(),
                     [](int8_t x) { return std::abs(x) <= kernels::kW7Max; });
}

// The kernel family for a node's input/output types and weights w. An s8 input the producer
// guarantees non-negative (attr input_nonneg, set by lower_qdq) is read as u7: exact on
// vpmaddubsw.
GemmType gemm_type(const Node& n, DType in, DType out, const Value* w) {
  using kernels::AType;
  using kernels::CType;
  if (in == DType::f32 && out == DType::f32) return kernels::kGemmF32;
  if (in == DType::f16 && out == DType::f16) return kernels::kGemmF16;
  if (is_int8(in) && (is_int8(out) || out == DType::f32)) {
    AType a = in == DType::u8 ? AType::u8 : n.input_nonneg ? AType::u7 : AType::s8;
    return {a,
            out == DType::s8   ? CType::s8
            : out == DType::u8 ? CType::u8
                               : CType::f32,
            weights_fit_7_bits(w)};
  }
  fail(n, std::string("no GEMM kernel for ") + dtype_name(in) + " -> " + dtype_name(out));
}

// Weight matrix B of a GEMM node, element (n, k) at data[n * stride_n + k * stride_k], with the
// int8 weights' scales.
struct WeightView {
  const Tensor* data;
  const std::optional<QuantParams>* quant;
  int64_t n, k, stride_n, stride_k;
};

int32_t zero_point(const Value* v) {
  return v && v->quant && !v->quant->zero_point.empty() ? v->quant->zero_point[0] : 0;
}

const QuantParams& quant_of(const Node& n, const Value* v) {
  if (!v || !v->quant) fail(n, "int8 operand '" + (v ? v->name : std::string("?")) + "' has no scale");
  return *v->quant;
}

// Packs weights, bias and epilogue constants for kernel type t. Float types fold alpha into the
// weights and beta into the bias. Int8 types take s8 weights and an s32 bias (or a float bias,
// rounded to units of s_x * s_w) and get the per-column multiplier s_x * s_w[n] / s_y (s_y = 1
// for a float output).
std::unique_ptr<PackedWeights> pack_weights(const Node& n, GemmType t, const WeightView& w,
                                            const Value* bias, float alpha, float beta) {
  auto pw = std::make_unique<PackedWeights>();
  const kernels::Ukernel& uk = kernels::kernel_config().gemm->get(t);
  const Tensor& data = *w.data;
  if (!t.q8()) {
    std::vector<float> src = data.to_floats();
    for (float& x : src) x *= alpha;
    if (t == kernels::kGemmF16) {
      std::vector<uint16_t> h(src.size());
      for (size_t i = 0; i < src.size(); ++i) h[i] = float_to_half(src[i]);
      kernels::pack_b(h.data(), w.n, w.k, w.stride_n, w.stride_k, t, uk, *pw);
    } else {
      kernels::pack_b(src.data(), w.n, w.k, w.stride_n, w.stride_k, t, uk, *pw);
    }
    if (bias) {
      std::vector<float> b = bias->data->to_floats();
      for (int64_t i = 0; i < w.n; ++i) pw->bias_f32[i] = beta * b[b.size() == 1 ? 0 : i];
    }
    return pw;
  }
  if (data.dtype() != DType::s8) fail(n, "int8 convolution needs int8 weights");
  kernels::pack_b(data.data<int8_t>(), w.n, w.k, w.stride_n, w.stride_k, t, uk, *pw);
  if (!*w.quant) fail(n, "int8 weights have no scale");
  const QuantParams& qw = **w.quant;
  const float sx = quant_of(n, n.in(0)).scale[0];
  const Value* y = n.out(0);
  const float sy = is_int8(y->dtype) ? quant_of(n, y).scale[0] : 1.f;
  std::vector<int32_t> b32(w.n, 0);
  std::vector<float> mult(w.n);
  for (int64_t i = 0; i < w.n; ++i) {
    float sw = qw.scale[qw.per_tensor() ? 0 : i];
    mult[i] = saturate_multiplier(sx * sw / sy);
    if (!bias) continue;
    if (bias->dtype == DType::s32)
      b32[i] = bias->data->data<int32_t>()[bias->shape.empty() || bias->data->numel() == 1 ? 0 : i];
    else
      b32[i] = quantize_bias(static_cast<float>(bias->data->as_double(bias->data->numel() == 1 ? 0 : i)), sx * sw, nullptr);
  }
  kernels::set_q8_epilogue(*pw, b32.data(), mult.data(), zero_point(n.in(0)));
  return pw;
}

// Output clamp (in the quantized domain for int8: the type's range, and the fused ReLU at the
// zero point) and the output zero point; the padding row holds the input's zero point.
void bind_epilogue(const Node& n, const Bound& x, const Bound& y, ConvArgs& a, std::vector<uint8_t>& zero_row) {
  const bool relu = n.activation == Activation::relu;
  const float zy = static_cast<float>(zero_point(n.out(0)));
  a.out_zero = zy;
  if (y.dtype == DType::s8) a.lo = relu ? zy : -128.f, a.hi = 127.f;
  else if (y.dtype == DType::u8) a.lo = relu ? std::max(zy, 0.f) : 0.f, a.hi = 255.f;
  else a.lo = relu ? 0.f : -3.4e38f, a.hi = 3.4e38f;
  zero_row.assign(a.g.in_c * dtype_size(x.dtype), is_int8(x.dtype) ? static_cast<uint8_t>(zero_point(n.in(0))) : 0);
}

std::unique_ptr<Step> conv_step(const Node& n, const Binder& bind) {
  if (!n.nhwc()) fail(n, "convolution must be NHWC here (the layout pass did not run)");
  if (n.attrs.i("group", 1) != 1) return nullptr;  // grouped: not supported
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  const Value* w = n.in(1);
  if (!w->is_constant()) fail(n, "weights must be constant");
  if (n.in(2) && !n.in(2)->is_constant()) fail(n, "bias must be constant");
  auto k = n.attrs.ints("kernel_shape"), s = n.attrs.ints("strides", {1, 1});
  auto d = n.attrs.ints("dilations", {1, 1}), p = n.attrs.ints("pads", {0, 0, 0, 0});
  ConvGeom g;
  g.batch = x.shape[0];
  g.in_h = x.shape[1], g.in_w = x.shape[2], g.in_c = x.shape[3];
  g.out_h = y.shape[1], g.out_w = y.shape[2], g.out_c = y.shape[3];
  g.k_h = k[0], g.k_w = k[1], g.stride_h = s[0], g.stride_w = s[1], g.dil_h = d[0], g.dil_w = d[1];
  g.pad_t = p[0], g.pad_l = p[1];
  g.in_pixel_stride = x.pixel_stride;
  g.out_pixel_stride = y.pixel_stride;
  GemmType t = gemm_type(n, x.dtype, y.dtype, w);
  const kernels::Ukernel& f32 = kernels::kernel_config().gemm->f32;
  const int tile = kernels::winograd_applies(g) ? kernels::winograd_tile_size(g, f32.mr) : 0;
  if (!t.q8() && tile) {
    auto ww = std::make_unique<kernels::WinogradWeights>();
    std::vector<float> wf = w->data->to_floats();
    std::vector<float> bias = n.in(2) ? n.in(2)->data->to_floats() : std::vector<float>(g.out_c, 0.f);
    kernels::winograd_pack(wf.data(), bias.data(), g.out_c, g.in_c, tile, f32, *ww);
    kernels::WinogradArgs wa;
    wa.g = g;
    wa.in = x.data;
    wa.out = y.data;
    wa.half = t == kernels::kGemmF16;
    wa.kernels = kernels::kernel_config().winograd;
    if (n.activation == Activation::relu) wa.lo = 0.f;
    return std::make_unique<WinogradStep>(wa, std::move(ww));
  }
  // Weights [O][I][KH][KW] reordered to the (kh, kw, c) K order of NHWC taps; with row taps each
  // window row padded to whole 4-byte groups.
  Tensor ohwi(w->dtype, {g.out_c, g.k()});
  kernels::oihw_to_ohwi(w->data->raw(), ohwi.raw(), g.out_c, g.in_c, g.taps(),
                        static_cast<int>(dtype_size(w->dtype)));
  ConvArgs a;
  a.row_taps =
      kernels::conv_row_taps(t, kernels::kernel_config().gemm->get(t), g) && w->dtype == DType::s8;
  if (a.row_taps) {
    std::vector<int8_t> rows = kernels::row_tap_weights(ohwi.data<int8_t>(), g);
    ohwi = Tensor(DType::s8, {g.out_c, g.k_h * kernels::row_tap_bytes(g)});
    std::memcpy(ohwi.raw(), rows.data(), rows.size());
  }
  const int64_t kb = ohwi.shape()[1];
  auto pw = pack_weights(n, t, {&ohwi, &w->quant, g.out_c, kb, kb, 1}, n.in(2), 1.f, 1.f);
  a.g = g;
  a.in = x.data;
  a.out = y.data;
  a.rows_in_place = kernels::conv_rows_in_place(t, pw->uk, g, x.data);
  a.pack_a = !a.row_taps && !a.rows_in_place && kernels::conv_needs_packing(t, pw->uk, g.in_c);
  std::vector<uint8_t> zero;
  bind_epilogue(n, x, y, a, zero);
  return std::make_unique<ConvStep>(a, std::move(pw), std::move(zero));
}

// Gemm/MatMul with a constant 2-D B as a 1x1 "conv" over M rows.
std::unique_ptr<Step> dense_step(const Node& n, const Binder& bind) {
  const Value* bv = n.in(1);
  bool gemm = n.op == Op::Gemm;
  if (!bv->is_constant() || bv->rank() != 2 || (gemm && n.attrs.i("transA"))) return nullptr;
  const Value* c = gemm ? n.in(2) : nullptr;
  if (c && (!c->is_constant() || (c->rank() == 2 && c->shape[0] != 1))) return nullptr;
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  if (!x.dense() || !y.dense()) return nullptr;
  bool trans_b = gemm && n.attrs.i("transB");
  int64_t kk = trans_b ? bv->shape[1] : bv->shape[0];
  int64_t nn = trans_b ? bv->shape[0] : bv->shape[1];
  ConvGeom g;
  g.batch = x.numel() / kk;
  g.in_c = g.in_pixel_stride = kk;
  g.out_c = g.out_pixel_stride = nn;
  GemmType t = gemm_type(n, x.dtype, y.dtype, bv);
  float alpha = gemm ? n.attrs.f("alpha", 1.f) : 1.f, beta = gemm ? n.attrs.f("beta", 1.f) : 1.f;
  if (is_int8(x.dtype) && (alpha != 1.f || beta != 1.f)) fail(n, "int8 Gemm with alpha/beta != 1");
  auto pw = pack_weights(n, t, {bv->data.get(), &bv->quant, nn, kk, trans_b ? kk : 1, trans_b ? 1 : nn}, c, alpha, beta);
  ConvArgs a;
  a.g = g;
  a.in = x.data;
  a.out = y.data;
  a.rows_in_place = kernels::conv_rows_in_place(t, pw->uk, g, x.data);
  a.pack_a = !a.rows_in_place && kernels::conv_needs_packing(t, pw->uk, kk);
  std::vector<uint8_t> zero;
  bind_epilogue(n, x, y, a, zero);
  return std::make_unique<ConvStep>(a, std::move(pw), std::move(zero));
}

// Reference Gemm: Y = alpha * A' B' + beta * C (C broadcast), any operand at run time.
std::unique_ptr<Step> gemm_ref_step(const Node& n, const Binder& bind) {
  Bound a = bind(n.in(0)), b = bind(n.in(1)), y = bind(n.out(0));
  if (a.dtype != DType::f32) fail(n, "reference Gemm supports f32 only");
  bool ta = n.attrs.i("transA"), tb = n.attrs.i("transB");
  float alpha = n.attrs.f("alpha", 1.f), beta = n.attrs.f("beta", 1.f);
  int64_t m = y.shape[0], nn = y.shape[1], k = ta ? a.shape[0] : a.shape[1];
  Bound c = n.in(2) ? bind(n.in(2)) : Bound{};
  kernels::Dims c_strides = n.in(2) ? kernels::broadcast_strides(c.shape, y.shape) : kernels::Dims{};
  return std::make_unique<FnStep>([=] {
    const float* pa = a.as<float>();
    const float* pb = b.as<float>();
    float* py = y.as<float>();
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < nn; ++j) {
        double acc = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          acc += double{pa[ta ? kk * m + i : i * k + kk]} * pb[tb ? j * k + kk : kk * nn + j];
        float v = alpha * static_cast<float>(acc);
        if (c.data) v += beta * c.as<float>()[i * c_strides[0] + j * c_strides[1]];
        py[i * nn + j] = v;
      }
  });
}

// Reference MatMul with numpy broadcasting over batch dimensions.
std::unique_ptr<Step> matmul_ref_step(const Node& n, const Binder& bind) {
  Bound a = bind(n.in(0)), b = bind(n.in(1)), y = bind(n.out(0));
  if (a.dtype != DType::f32) fail(n, "reference MatMul supports f32 only");
  Shape sa = a.shape, sb = b.shape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  int64_t m = sa[sa.size() - 2], k = sa.back(), nn = sb.back();
  Shape batch = broadcast_shapes(Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2));
  kernels::Dims ba = kernels::broadcast_strides(Shape(sa.begin(), sa.end() - 2), batch);
  kernels::Dims bb = kernels::broadcast_strides(Shape(sb.begin(), sb.end() - 2), batch);
  int64_t count = shape_numel(batch);
  std::vector<int64_t> off_a(count), off_b(count);
  kernels::Dims strides = kernels::contiguous_strides(batch);
  for (int64_t t = 0; t < count; ++t) {
    int64_t rem = t, oa = 0, ob = 0;
    for (size_t d = 0; d < batch.size(); ++d) {
      int64_t i = rem / strides[d];
      rem %= strides[d];
      oa += i * ba[d];
      ob += i * bb[d];
    }
    off_a[t] = oa * m * k;
    off_b[t] = ob * k * nn;
  }
  return std::make_unique<FnStep>([=] {
    kernels::matmul_f32(a.as<float>(), off_a.data(), b.as<float>(), off_b.data(), y.as<float>(),
                        count, m, k, nn);
  });
}

}  // namespace

std::unique_ptr<Step> make_gemm_step(const Node& n, const Binder& bind) {
  if (n.op == Op::Conv) {
    if (auto s = conv_step(n, bind)) return s;
    fail(n, "grouped convolution is not supported");
  }
  if (auto s = dense_step(n, bind)) return s;
  return n.op == Op::Gemm ? gemm_ref_step(n, bind) : matmul_ref_step(n, bind);
}

}  // namespace qcc
