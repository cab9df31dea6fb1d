// The implicit-GEMM convolution driver against a direct NHWC convolution, for every runnable
// kernel set and type: random geometries with padding, strides, dilations, 1x1 and KxK kernels,
// channel counts that leave tails, output written into a wider (concat) buffer, tasks split
// over rows and panels.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "ir/half.h"
#include "kernels/conv_igemm.h"
#include "kernels/isa_sets.h"

namespace qcc::kernels {
namespace {

class ConvTester {
 public:
  ConvTester& batch(int64_t v) { g_.batch = v; return *this; }
  ConvTester& input(int64_t h, int64_t w, int64_t c) { g_.in_h = h, g_.in_w = w, g_.in_c = c; return *this; }
  ConvTester& output_channels(int64_t v) { g_.out_c = v; return *this; }
  ConvTester& kernel(int64_t kh, int64_t kw) { g_.k_h = kh, g_.k_w = kw; return *this; }
  ConvTester& stride(int64_t sh, int64_t sw) { g_.stride_h = sh, g_.stride_w = sw; return *this; }
  ConvTester& dilation(int64_t dh, int64_t dw) { g_.dil_h = dh, g_.dil_w = dw; return *this; }
  ConvTester& pad(int64_t t, int64_t l, int64_t b, int64_t r) { pt_ = t, pl_ = l, pb_ = b, pr_ = r; return *this; }
  ConvTester& out_extra(int64_t v) { out_extra_ = v; return *this; }
  /// Input pixels in_c + v elements apart (a channel slice of a wider tensor), the gaps junk.
  ConvTester& in_extra(int64_t v) {
    in_extra_ = v;
    return *this;
  }
  ConvTester& relu(bool v) { relu_ = v; return *this; }

  // Returns the worst error (float: relative to max |ref|; int8: max abs difference).
  double test(const UkernelSet& set, GemmType type, uint32_t seed) {
    geometry();
    std::mt19937 rng(seed);
    const bool q8 = type.q8();
    const bool signed_a = type.a == AType::s8;
    const int64_t m = g_.m(), k = g_.k(), n = g_.out_c, in_n = g_.batch * g_.in_h * g_.in_w * g_.in_c;
    // Quantized-valued data (small integers) so float and int paths see exact products.
    std::uniform_int_distribution<int> act(signed_a ? -128 : 0, type.a == AType::u8 ? 255 : 127),
        wgt(type.w7 ? -63 : -128, type.w7 ? 63 : 127);
    std::vector<float> x(in_n), w(n * k), bias(n);
    for (auto& v : x) v = q8 ? act(rng) : std::uniform_real_distribution<float>(-1, 1)(rng);
    for (auto& v : w) v = q8 ? wgt(rng) : std::uniform_real_distribution<float>(-1, 1)(rng);
    for (auto& v : bias) v = q8 ? std::round(std::uniform_real_distribution<float>(-4000, 4000)(rng))
                               : std::uniform_real_distribution<float>(-1, 1)(rng);
    if (type == kGemmF16) round_to_half(x), round_to_half(w);
    std::vector<float> scale(n);
    for (auto& s : scale) s = std::uniform_real_distribution<float>(0.0005f, 0.003f)(rng);

    PackedWeights pw;
    const Ukernel& uk = set.get(type);
    // Int8 zero points: the input's (padding reads it; u7 inputs have none) and the output's.
    const int32_t in_zero = !q8 || type.a == AType::u7 ? 0 : type.a == AType::u8 ? rng() % 120 : static_cast<int>(rng() % 21) - 10;
    const float out_zero = q8 && type.c != CType::f32 ? static_cast<float>(static_cast<int>(rng() % 21) - 10) : 0.f;
    std::vector<uint8_t> in_bytes, zero(g_.in_c * 4, q8 ? static_cast<uint8_t>(in_zero) : 0);
    if (type == kGemmF32) {
      pack_b(w.data(), n, k, k, 1, type, uk, pw);
      std::copy(bias.begin(), bias.end(), pw.bias_f32.begin());
      in_bytes = bytes_of(x);
    } else if (type == kGemmF16) {
      auto wh = to_half(w);
      pack_b(wh.data(), n, k, k, 1, type, uk, pw);
      std::copy(bias.begin(), bias.end(), pw.bias_f32.begin());
      in_bytes = bytes_of(to_half(x));
    } else {
      std::vector<int8_t> wq(w.begin(), w.end());
      std::vector<int32_t> bq(bias.begin(), bias.end());
      if (conv_row_taps(type, uk, g_)) {
        wq = row_tap_weights(wq.data(), g_);
        const int64_t kr = g_.k_h * row_tap_bytes(g_);
        pack_b(wq.data(), n, kr, kr, 1, type, uk, pw);
      } else {
        pack_b(wq.data(), n, k, k, 1, type, uk, pw);
      }
      set_q8_epilogue(pw, bq.data(), scale.data(), in_zero);
      for (float v : x) in_bytes.push_back(static_cast<uint8_t>(static_cast<int>(v)));
    }
    const int ob = type.c == CType::f16 ? 2 : type.c == CType::f32 ? 4 : 1;
    const bool u8out = type.c == CType::u8;
    std::vector<uint8_t> out(m * g_.out_pixel_stride * ob, 0);

    if (in_extra_) {  // spread the pixels out, junk (0x7f bytes: finite floats) in the gaps
      const size_t pixel = in_bytes.size() / (in_n / g_.in_c),
                   stride = pixel * g_.in_pixel_stride / g_.in_c;
      std::vector<uint8_t> wide(stride * (in_n / g_.in_c), 0x7f);
      for (size_t p = 0; p < in_bytes.size() / pixel; ++p)
        std::memcpy(&wide[p * stride], &in_bytes[p * pixel], pixel);
      in_bytes = std::move(wide);
    }
    const AlignedBytes input(in_bytes.begin(), in_bytes.end());  // as the runtime's arena
    ConvArgs a;
    a.g = g_;
    a.w = &pw;
    a.in = input.data();
    a.out = out.data();
    a.zero_row = zero.data();
    a.lo = relu_ || u8out ? 0.f : (q8 ? -128.f : -3.4e38f);
    a.hi = u8out ? 255.f : q8 && ob == 1 ? 127.f : 3.4e38f;
    a.out_zero = out_zero;
    a.row_taps = q8 && conv_row_taps(type, uk, g_);
    a.rows_in_place = conv_rows_in_place(type, uk, g_, a.in);
    a.pack_a = !a.row_taps && !a.rows_in_place && conv_needs_packing(type, uk, g_.in_c);
    // Two tasks over rows, the second split over panels, like the runtime does.
    const int64_t half = m / 2, panels = pw.panels;
    // Junk scratch: padding in packed rows and rows past a tile's end must not matter.
    std::vector<uint8_t> scratch(conv_scratch_bytes(a, std::max<int64_t>(m, 1)), 0xA5);
    conv_run(a, 0, half, 0, panels, scratch.data());
    conv_run(a, half, m, 0, panels / 2, scratch.data());
    conv_run(a, half, m, panels / 2, panels, scratch.data());

    double worst = 0, ref_max = 1;
    for (int64_t mi = 0; mi < m; ++mi)
      for (int64_t ni = 0; ni < n; ++ni) {
        double acc = bias[ni];
        direct_sum(x, w, mi, ni, static_cast<float>(in_zero), acc);
        double ref;
        if (q8) {
          float v = std::fma(static_cast<float>(static_cast<int32_t>(acc)), scale[ni], out_zero);
          v = std::min(std::max(v, a.lo), a.hi);
          ref = ob == 1 ? std::nearbyint(v) : v;
        } else {
          ref = std::max(acc, static_cast<double>(a.lo));
        }
        double got = load(out, mi * g_.out_pixel_stride + ni, ob, u8out);
        worst = std::max(worst, std::fabs(got - ref));
        ref_max = std::max(ref_max, std::fabs(ref));
      }
    // Bytes beyond the written channel slice stay untouched.
    for (int64_t mi = 0; mi < m; ++mi)
      for (int64_t ni = n * ob; ni < g_.out_pixel_stride * ob; ++ni)
        if (out[mi * g_.out_pixel_stride * ob + ni] != 0) return 1e9;
    return ob == 1 ? worst : worst / ref_max;
  }

 private:
  void geometry() {
    g_.pad_t = pt_, g_.pad_l = pl_;
    g_.out_h = (g_.in_h + pt_ + pb_ - (g_.k_h - 1) * g_.dil_h - 1) / g_.stride_h + 1;
    g_.out_w = (g_.in_w + pl_ + pr_ - (g_.k_w - 1) * g_.dil_w - 1) / g_.stride_w + 1;
    g_.in_pixel_stride = g_.in_c + in_extra_;
    g_.out_pixel_stride = g_.out_c + out_extra_;
  }

  // Sum over the window of (x - x_zero) * w; padded taps hold x_zero, so they add nothing.
  void direct_sum(const std::vector<float>& x, const std::vector<float>& w, int64_t mi, int64_t ni, float x_zero,
                  double& acc) const {
    int64_t ow = mi % g_.out_w, oh = (mi / g_.out_w) % g_.out_h, b = mi / (g_.out_w * g_.out_h);
    for (int64_t i = 0; i < g_.k_h; ++i)
      for (int64_t j = 0; j < g_.k_w; ++j) {
        int64_t ih = oh * g_.stride_h - g_.pad_t + i * g_.dil_h, iw = ow * g_.stride_w - g_.pad_l + j * g_.dil_w;
        if (ih < 0 || ih >= g_.in_h || iw < 0 || iw >= g_.in_w) continue;
        for (int64_t c = 0; c < g_.in_c; ++c)
          acc += (double{x[((b * g_.in_h + ih) * g_.in_w + iw) * g_.in_c + c]} - x_zero) *
                 w[ni * g_.k() + (i * g_.k_w + j) * g_.in_c + c];
      }
  }

  static double load(const std::vector<uint8_t>& out, int64_t i, int ob, bool u8) {
    if (ob == 1)
      return u8 ? static_cast<double>(out[i]) : static_cast<double>(static_cast<int8_t>(out[i]));
    if (ob == 2) {
      uint16_t h;
      std::memcpy(&h, &out[i * 2], 2);
      return half_to_float(h);
    }
    float f;
    std::memcpy(&f, &out[i * 4], 4);
    return f;
  }
  static void round_to_half(std::vector<float>& v) {
    for (auto& x : v) x = half_to_float(float_to_half(x));
  }
  static std::vector<uint16_t> to_half(const std::vector<float>& v) {
    std::vector<uint16_t> h(v.size());
    for (size_t i = 0; i < v.size(); ++i) h[i] = float_to_half(v[i]);
    return h;
  }
  template <typename T>
  static std::vector<uint8_t> bytes_of(const std::vector<T>& v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return b;
  }

  ConvGeom g_;
  int64_t pt_ = 0, pl_ = 0, pb_ = 0, pr_ = 0, out_extra_ = 0, in_extra_ = 0;
  bool relu_ = false;
};

class ConvTest : public ::testing::TestWithParam<std::tuple<int, GemmType>> {};

TEST_P(ConvTest, MatchesDirectConvolution) {
  auto [level, type] = GetParam();
  const UkernelSet* set = test::set_of_level(level);
  if (!set) GTEST_SKIP() << "this CPU lacks " << test::level_name(level);
  const bool int_out = type.q8() && type.c != CType::f32;
  const bool q8 = type.q8();
  // float: relative error; f16 output: a few half ulps; int8: bit exact.
  const double tol = int_out ? 0 : q8 ? 1e-6 : type == kGemmF16 ? 4e-3 : 1e-5;
  std::mt19937 rng(11);
  for (int iter = 0; iter < 24; ++iter) {
    ConvTester t;
    int64_t kh = 1 + rng() % 3, kw = 1 + rng() % 3;
    int64_t c = q8 && iter % 3 ? 4 * (1 + rng() % 6) : 1 + rng() % 20;
    t.batch(1 + rng() % 2)
        .input(kh + rng() % 7, kw + rng() % 7, c)
        .output_channels(1 + rng() % 40)
        .kernel(kh, kw)
        .stride(1 + rng() % 2, 1 + rng() % 2)
        .dilation(1 + rng() % 2 * (iter % 4 == 0), 1)
        .pad(rng() % 2, rng() % 2, rng() % 2, rng() % 2)
        .out_extra(iter % 2 ? 16 : 0)
        .relu(iter % 3 == 0)
        .in_extra(iter % 4 == 1 ? 8 : 0);
    ASSERT_LE(t.test(*set, type, iter), tol) << "iteration " << iter;
  }
}

// 1x1 stride-1 layers, which tile kernels read in place (conv_rows_in_place) when pixels are whole
// cache lines apart: K not a multiple of the 64-byte block (reads pass in_c into the pixel's other
// channels or the next pixel), channel slices of wider inputs, row counts that leave the last tile
// to be packed, one too small for any tile in place, and strides that must be packed.
TEST_P(ConvTest, PointwiseLayersReadInPlace) {
  auto [level, type] = GetParam();
  const UkernelSet* set = test::set_of_level(level);
  if (!set) GTEST_SKIP() << "this CPU lacks " << test::level_name(level);
  const double tol = type.q8() && type.c != CType::f32 ? 0 : type == kGemmF16 ? 4e-3 : 1e-5;
  auto pointwise = [](int64_t batch, int64_t h, int64_t w, int64_t c, int64_t extra) {
    return ConvTester().batch(batch).input(h, w, c).in_extra(extra);
  };
  ASSERT_LE(pointwise(2, 7, 9, 70, 16).output_channels(40).test(*set, type, 1), tol);  // packed
  ASSERT_LE(pointwise(1, 5, 5, 64, 0).output_channels(33).test(*set, type, 2), tol);
  ASSERT_LE(pointwise(1, 3, 3, 200, 0).output_channels(50).test(*set, type, 3), tol);  // one tile
  ASSERT_LE(pointwise(4, 8, 8, 128, 64).output_channels(64).relu(true).test(*set, type, 4), tol);
  ASSERT_LE(pointwise(2, 7, 9, 100, 28).output_channels(40).test(*set, type, 5), tol);
  ASSERT_LE(pointwise(3, 5, 7, 40, 24).output_channels(24).test(*set, type, 6), tol);
}

TEST_P(ConvTest, InceptionLikeLayers) {
  auto [level, type] = GetParam();
  const UkernelSet* set = test::set_of_level(level);
  if (!set) GTEST_SKIP() << "this CPU lacks " << test::level_name(level);
  const bool int_out = type.q8() && type.c != CType::f32;
  const double tol = int_out ? 0 : type == kGemmF16 ? 4e-3 : 1e-5;
  // First conv (3 channels, stride 2), a 1x7 / 7x1 pair, and a 3x3 padded conv into a slice.
  ASSERT_LE(ConvTester().input(21, 17, 3).output_channels(32).kernel(3, 3).stride(2, 2).test(
                *set, type, 1),
            tol);
  ASSERT_LE(ConvTester()
                .input(9, 9, 64)
                .output_channels(48)
                .kernel(1, 7)
                .pad(0, 3, 0, 3)
                .relu(true)
                .test(*set, type, 2),
            tol);
  ASSERT_LE(ConvTester()
                .input(9, 9, 48)
                .output_channels(40)
                .kernel(7, 1)
                .pad(3, 0, 3, 0)
                .test(*set, type, 3),
            tol);
  ASSERT_LE(ConvTester()
                .batch(2)
                .input(8, 8, 96)
                .output_channels(64)
                .kernel(3, 3)
                .pad(1, 1, 1, 1)
                .out_extra(32)
                .test(*set, type, 4),
            tol);
}

std::string conv_name(const ::testing::TestParamInfo<std::tuple<int, GemmType>>& info) {
  return test::level_name(std::get<0>(info.param)) + "_" +
         test::gemm_type_name(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(AllIsas, ConvTest,
                         ::testing::Combine(::testing::Range(0, test::kLevels),
                                            ::testing::ValuesIn(test::all_gemm_types())),
                         conv_name);

}  // namespace
}  // namespace qcc::kernels
