// Each SIMD micro-kernel against the scalar reference with the same tile shape, on random sizes:
// partial rows and columns, K of 1..40 (int8: multiples of 4, odd and even group counts), several
// taps, padded ldc; int8 with 8-bit weights and with 7-bit ones (-63..63, the w7 kernels).
#include "kernels/gemm_ukernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <thread>

#include "ir/half.h"
#include "kernels/amx_tiles.h"
#include "kernels/conv_igemm.h"
#include "kernels/isa_sets.h"
#include "kernels/peak.h"

namespace qcc::kernels {
namespace {

struct Case {
  int taps, m, n;
  int64_t kc, ldc;
  bool blocked = true;  // tile kernels: A blocked as packed, else rows read in place
};

class UkernelTester {
 public:
  UkernelTester(const UkernelSet& set, GemmType type, uint32_t seed)
      : type_(type), uk_(set.get(type)), ref_(ukernels_ref(uk_.mr, uk_.nr).get(type)), rng_(seed) {}

  // Runs both kernels on one random case; returns the max abs difference (q8: count of differing
  // outputs, which must be 0).
  double run(const Case& c) {
    const bool q8 = type_.q8();
    const bool signed_a = type_.a == AType::s8;
    const int a_bytes = q8 ? 1 : 4;
    // A: taps x mr rows of kc elements (distinct buffers so pointer arithmetic is exercised); tile
    // kernels (k_block) read one tap's rows from one buffer, blocked [kc / k_block][mr][k_block]
    // or (blocked = false) as rows lda apart, padded so the kernel must step by lda, not by kc.
    std::vector<std::vector<uint8_t>> rows(c.taps * uk_.mr, std::vector<uint8_t>(c.kc * a_bytes));
    const int64_t kb = uk_.k_block, lda = c.blocked ? kb : c.kc + 64;
    const int64_t kstep = c.blocked ? uk_.mr * kb : kb;
    std::vector<const void*> a(rows.size()), a_flipped(rows.size());
    std::vector<std::vector<uint8_t>> flipped = rows;
    std::uniform_real_distribution<float> fd(-1.f, 1.f);
    std::uniform_int_distribution<int> act(signed_a ? -128 : 0, type_.a == AType::u8 ? 255 : 127),
        wgt(type_.w7 ? -63 : -128, type_.w7 ? 63 : 127);
    for (size_t i = 0; i < rows.size(); ++i) {
      for (int64_t k = 0; k < c.kc; ++k) {
        if (q8) {
          rows[i][k] = static_cast<uint8_t>(act(rng_));
          flipped[i][k] = rows[i][k] ^ 0x80;
        } else {
          float v = fd(rng_);
          std::memcpy(&rows[i][k * 4], &v, 4);
        }
      }
      a[i] = rows[i].data();
      a_flipped[i] = flipped[i].data();
    }
    std::vector<uint8_t> packed_a;
    if (kb) {
      packed_a.assign(uk_.mr * (c.kc + 64), 0xCD);
      for (int64_t r = 0; r < uk_.mr; ++r)
        for (int64_t j = 0; j < c.kc / kb; ++j)
          std::memcpy(&packed_a[j * kstep + r * lda], &rows[r][j * kb], kb);
    }
    const int64_t k_total = c.kc * c.taps;
    const int b_bytes = type_.a == AType::f32 ? 4 : type_.a == AType::f16 ? 2 : 1;
    std::vector<uint8_t> b(k_total * uk_.nr * b_bytes);
    std::vector<int64_t> wsum(uk_.nr, 0);
    for (int64_t i = 0; i < k_total * uk_.nr; ++i) {
      if (type_.a == AType::f32) {
        float v = fd(rng_);
        std::memcpy(&b[i * 4], &v, 4);
      } else if (type_.a == AType::f16) {
        uint16_t h = float_to_half(fd(rng_));
        std::memcpy(&b[i * 2], &h, 2);
      } else {
        b[i] = static_cast<uint8_t>(wgt(rng_));
        wsum[(i / 4) % uk_.nr] += static_cast<int8_t>(b[i]);
      }
    }
    std::vector<float> bias_f(uk_.nr), scale(uk_.nr);
    std::vector<int32_t> bias_q(uk_.nr), bias_flip(uk_.nr);
    for (int j = 0; j < uk_.nr; ++j) {
      bias_f[j] = fd(rng_);
      bias_q[j] = static_cast<int32_t>(fd(rng_) * 5000);
      bias_flip[j] = bias_q[j] - static_cast<int32_t>(128 * wsum[j]);
      scale[j] = 0.0005f + 0.002f * std::fabs(fd(rng_));
    }
    const int out_bytes = type_.c == CType::f16 ? 2 : type_.c == CType::f32 ? 4 : 1;
    std::vector<uint8_t> c_ref(uk_.mr * c.ldc * out_bytes, 0xAB), c_simd = c_ref;
    UkernelArgs args;
    args.taps = c.taps;
    args.kc = c.kc;
    args.a = a.data();
    args.b = b.data();
    args.ldc = c.ldc;
    args.m = c.m;
    args.n = c.n;
    args.bias = q8 ? static_cast<const void*>(bias_q.data()) : bias_f.data();
    args.scale = scale.data();
    args.zero = q8 && type_.c != CType::f32 ? static_cast<float>(static_cast<int>(rng_() % 41) - 20) : 0.f;
    args.lo = type_.c == CType::u8 ? 0.f : q8 ? -128.f : -0.5f;
    args.hi = type_.c == CType::u8 ? 255.f : q8 ? 127.f : 3.4e38f;
    args.mr = uk_.mr;
    args.nr = uk_.nr;
    args.c = c_ref.data();
    ref_.fn(args);
    PackedWeights wide;  // the layout of kernels that take B widened to int16 pairs
    if (uk_.pair_lanes) {
      std::vector<int8_t> w(uk_.nr * k_total);  // [column][k] from the byte layout [k/4][nr][4]
      for (int64_t i = 0; i < k_total * uk_.nr; ++i)
        w[(i / 4) % uk_.nr * k_total + i / (4 * uk_.nr) * 4 + i % 4] = b[i];
      pack_b(w.data(), uk_.nr, k_total, k_total, 1, type_, uk_, wide);
      args.b = wide.panel(0);
    }
    if (signed_a && uk_.flip_signed_input) {  // VNNI: the kernel reads a + 128, bias compensated
      args.a = a_flipped.data();
      args.bias = bias_flip.data();
    }
    const void* packed_row0 = packed_a.data();
    if (uk_.k_block) {
      args.a = &packed_row0;
      args.lda = lda;
      args.a_kstep = kstep;
    }
    args.c = c_simd.data();
    if (uk_.prepare) uk_.prepare();
    uk_.fn(args);
    return diff(c_ref, c_simd, out_bytes);
  }

  static double diff(const std::vector<uint8_t>& x, const std::vector<uint8_t>& y, int bytes) {
    double worst = 0;
    for (size_t i = 0; i < x.size() / bytes; ++i) {
      double a, b;
      if (bytes == 4) {
        float fa, fb;
        std::memcpy(&fa, &x[i * 4], 4);
        std::memcpy(&fb, &y[i * 4], 4);
        a = fa, b = fb;
      } else if (bytes == 2) {
        uint16_t ha, hb;
        std::memcpy(&ha, &x[i * 2], 2);
        std::memcpy(&hb, &y[i * 2], 2);
        a = half_to_float(ha), b = half_to_float(hb);
      } else {
        a = static_cast<int8_t>(x[i]), b = static_cast<int8_t>(y[i]);
      }
      // Floats relative to the magnitude (a half ulp grows with |x|); int8 exact.
      worst = std::max(worst, bytes == 1 ? std::fabs(a - b) : std::fabs(a - b) / std::max(1.0, std::fabs(a)));
    }
    return worst;
  }

  const Ukernel& uk() const { return uk_; }

 private:
  GemmType type_;
  Ukernel uk_, ref_;
  std::mt19937 rng_;
};

class UkernelTest : public ::testing::TestWithParam<std::tuple<int, GemmType>> {};

TEST_P(UkernelTest, MatchesReferenceOnRandomTiles) {
  auto [level, type] = GetParam();
  const UkernelSet* set = test::set_of_level(level);
  if (!set) GTEST_SKIP() << "this CPU lacks " << test::level_name(level);
  UkernelTester t(*set, type, 42 + level);
  const bool q8 = type.q8();
  std::mt19937 rng(7);
  for (int iter = 0; iter < 60; ++iter) {
    Case c;
    c.taps = 1 + static_cast<int>(rng() % 3);
    c.m = 1 + static_cast<int>(rng() % t.uk().mr);
    c.n = 1 + static_cast<int>(rng() % t.uk().nr);
    c.kc = q8 ? 4 * (1 + rng() % 10) : 1 + rng() % 40;
    if (const int kb = t.uk().k_block; kb && q8) {  // one tap, whole K blocks (1..4)
      c.taps = 1;
      c.kc = kb * (1 + rng() % 4);
      c.blocked = iter % 2;
    }
    if (iter == 0) c.m = t.uk().mr, c.n = t.uk().nr;  // a full tile at least once
    c.ldc = c.n + rng() % 5;
    double d = t.run(c);
    if (q8)
      ASSERT_EQ(d, 0.0) << "taps " << c.taps << " m " << c.m << " n " << c.n << " kc " << c.kc;
    else if (type == kGemmF16)
      ASSERT_LE(d, 2e-3) << "kc " << c.kc;  // one f16 ulp
    else
      ASSERT_LE(d, 1e-4) << "kc " << c.kc;
  }
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<int, GemmType>>& info) {
  return test::level_name(std::get<0>(info.param)) + "_" +
         test::gemm_type_name(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(AllIsas, UkernelTest,
                         ::testing::Combine(::testing::Range(1, test::kLevels),
                                            ::testing::ValuesIn(test::all_gemm_types())),
                         case_name);

// Writes junk over the stack below the caller's frame, where the next call's locals will live.
[[gnu::noinline]] void dirty_stack() {
  volatile uint8_t junk[16384];
  for (size_t i = 0; i < sizeof junk; ++i) junk[i] = 0xA5;
}

// A thread's first tile instruction loads the tile configuration: it must not depend on what the
// stack held (a configuration built in a local once went partly unwritten: #GP on garbage).
TEST(AmxTilesTest, ConfigurationDoesNotDependOnTheStack) {
  if (!kernel_config_for(IsaLevel::amx)) GTEST_SKIP() << "this CPU lacks amx";
  double macs = 0;
  std::thread fresh([&] {  // tile configuration is per thread: this one has none yet
    dirty_stack();
    configure_amx_tiles();
    macs = peak::int8_amx(4);
  });
  fresh.join();
  EXPECT_EQ(macs, 4.0 * 4 * 16 * 16 * 64);
}

// Another library on the thread may load its own tile configuration between qcc's calls: the
// kernels must compute right after prepare() all the same.
TEST(AmxTilesTest, KernelsReloadAConfigurationChangedByOtherCode) {
  const KernelConfig* amx = kernel_config_for(IsaLevel::amx);
  if (!amx) GTEST_SKIP() << "this CPU lacks amx";
  const GemmType type{AType::u8, CType::s8};
  UkernelTester t(*amx->gemm, type, 3);
  const Case c{1, 32, 32, 256, 40};
  ASSERT_EQ(t.run(c), 0.0);
  struct alignas(64) {  // palette 1, every tile 8 rows x 32 bytes: not what the kernels use
    uint8_t palette = 1, start_row = 0, reserved[14] = {};
    uint16_t bytes_per_row[16] = {32, 32, 32, 32, 32, 32, 32, 32};
    uint8_t rows[16] = {8, 8, 8, 8, 8, 8, 8, 8};
  } other;
  asm volatile("ldtilecfg %0" : : "m"(other));
  EXPECT_EQ(t.run(c), 0.0) << "differing outputs after another configuration";
}

}  // namespace
}  // namespace qcc::kernels
