// Half conversions: every half value round-trips, float->half rounds to nearest even, and the
// F16C array versions agree with the scalar definition bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "ir/half.h"
#include "kernels/convert.h"
#include "kernels/elementwise.h"
#include "kernels/isa_sets.h"

namespace qcc::kernels {
namespace {

TEST(ConvertTest, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = half_to_float(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    ASSERT_EQ(float_to_half(f), h) << std::hex << h;
  }
}

TEST(ConvertTest, RoundsToNearestEven) {
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);          // tie -> even (down)
  EXPECT_EQ(float_to_half(1.0f + 3.0f / 2048), 0x3c02);          // tie -> even (up)
  EXPECT_EQ(float_to_half(65504.f), 0x7bff);
  EXPECT_EQ(float_to_half(65520.f), 0x7c00);                      // overflows to inf
  EXPECT_EQ(float_to_half(std::ldexp(1.f, -25)), 0x0000);        // half the smallest subnormal
  EXPECT_EQ(float_to_half(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(float_to_half(-0.f), 0x8000);
}

TEST(ConvertTest, ArrayVersionsMatchScalarDefinition) {
  std::mt19937 rng(1);
  for (int64_t n : {0, 1, 7, 8, 9, 31, 1000}) {
    std::vector<float> f(n), back(n);
    std::vector<uint16_t> h(n), h_ref(n);
    for (auto& v : f) {
      uint32_t bits = rng();
      std::memcpy(&v, &bits, 4);
      if (std::isnan(v)) v = 1.f;
    }
    for (const KernelConfig* c : test::runnable_configs()) {
      c->convert->f32_to_f16(f.data(), h.data(), n);
      for (int64_t i = 0; i < n; ++i) h_ref[i] = float_to_half(f[i]);
      ASSERT_EQ(h, h_ref) << "n=" << n << " " << c->convert->isa;
      c->convert->f16_to_f32(h.data(), back.data(), n);
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(back[i], half_to_float(h[i])) << c->convert->isa;
    }
  }
}

// Every variant's QuantizeLinear against the scalar definition: random values around the range,
// exact ties, NaN and infinities, zero points, odd lengths (vector tails).
TEST(ConvertTest, QuantizeVariantsMatchScalarDefinition) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-300.f, 300.f);
  const ConvertKernels& ref = convert_kernels_scalar();
  for (int64_t n : {0, 1, 7, 8, 9, 31, 1001}) {
    std::vector<float> x(n);
    for (int64_t i = 0; i < n; ++i) {
      x[i] = i % 5 == 0 ? std::nearbyint(dist(rng)) + 0.5f : dist(rng);
      if (i % 13 == 3) x[i] = i % 2 ? NAN : (i % 3 ? INFINITY : -INFINITY);
    }
    for (const KernelConfig* c : test::runnable_configs())
      for (int32_t zp : {0, 3, 128}) {
        std::vector<int8_t> s(n), s_ref(n);
        std::vector<uint8_t> u(n), u_ref(n);
        c->convert->quantize_s8(x.data(), s.data(), n, 0.75f, zp % 128);
        ref.quantize_s8(x.data(), s_ref.data(), n, 0.75f, zp % 128);
        ASSERT_EQ(s, s_ref) << "n=" << n << " zp=" << zp << " " << c->convert->isa;
        c->convert->quantize_u8(x.data(), u.data(), n, 0.75f, zp);
        ref.quantize_u8(x.data(), u_ref.data(), n, 0.75f, zp);
        ASSERT_EQ(u, u_ref) << "n=" << n << " zp=" << zp << " " << c->convert->isa;
      }
  }
}

TEST(ConvertTest, QuantizeRoundsHalfToEvenAndSaturates) {
  const float x[] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300.f, -300.f, 127.4f};
  int8_t q[8];
  quantize_f32_to_s8(x, q, 8, 1.f, 0);
  const int8_t want[] = {0, 2, 2, 0, -2, 127, -128, 127};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(q[i], want[i]) << i;
  uint8_t u[8];
  quantize_f32_to_u8(x, u, 8, 1.f, 128);
  EXPECT_EQ(u[0], 128);
  EXPECT_EQ(u[5], 255);
  EXPECT_EQ(u[6], 0);
}

// Found by fuzz_import: a quantization scale of 0 made x / scale NaN, and casting NaN (or any
// value beyond the type) to an integer is undefined behaviour. Such values now saturate; NaN -> 0.
TEST(ConvertTest, NonFiniteValuesConvertWithoutUndefinedBehaviour) {
  const float nan = std::nanf(""), inf = INFINITY;
  const float x[4] = {nan, inf, -inf, 1e30f};
  int8_t q[4];
  quantize_f32_to_s8(x, q, 4, 1.f, 0);
  EXPECT_EQ(q[0], 0);
  EXPECT_EQ(q[1], 127);
  EXPECT_EQ(q[2], -128);
  EXPECT_EQ(q[3], 127);
  quantize_f32_to_s8(x + 3, q, 1, 0.f, 0);  // scale 0: 1e30 / 0 = inf
  EXPECT_EQ(q[0], 127);
  int32_t c[4];
  cast(ElemType::f32, x, ElemType::s32, c, 4);
  EXPECT_EQ(c[0], 0);
  EXPECT_EQ(c[1], INT32_MAX);
  EXPECT_EQ(c[2], INT32_MIN);
  EXPECT_EQ(c[3], INT32_MAX);
}

}  // namespace
}  // namespace qcc::kernels
