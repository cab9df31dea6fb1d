// GEMM micro-kernels: one MR x NR output tile, C = clamp(A * B + bias), over the full K.
//
// A is given as `taps` segments of `kc` elements per row: a[tap * mr + r] points at row r's
// segment for that tap (implicit GEMM: a conv tap's input pixel; a padded tap points at zeros).
// B is prepacked in panels of NR columns, K-major: for float, [K][NR] elements; for int8,
// [K/4][NR][4] bytes (4 consecutive k of one column together: the vpdpbusd operand order), or
// int16 pairs for kernels with pair_lanes.
// Rows >= m and columns >= n are computed on valid memory but never stored.
//
// Types (A / B / C):
//   f32: f32 / f32 / f32                 bias f32
//   f16: f32 / f16 / f16 (F16C convert)  bias f32  (A converted to f32 by the caller)
//   int8: A u7 / u8 / s8, B s8, C s8 / u8 / f32; bias s32;
//         C = clamp(round((acc + bias) * scale[n] + zero)), zero = the output's zero point
//     u7: int8 values known to lie in 0..127 (post-ReLU symmetric s8): exact on vpmaddubsw
//     u8: 0..255 (non-negative activations with zero point 0)
//     s8: -128..127 (signed activations; SIMD sets read them as a + 128, see flip_signed_input)
//   w7: (any int8 A) every weight lies in -63..63, 7 bits: AVX2 multiplies u8 A directly on
//       vpmaddubsw (2 * 255 * 63 < 32767) and, for u7 A, adds two groups' int16 pair sums
//       before widening (4 * 127 * 63 < 32767): 3 instead of 4 multiplies per 8 k
//
// Each ISA provides a set with its own tile shape (AVX2: 6x16 float, 4x16 int8; AVX-VNNI: 6x16;
// AVX-512: 14x32 float, 12x32 int8; AMX int8: 32x32 from packed A, see Ukernel::k_block).
#pragma once

#include <cstddef>
#include <cstdint>

namespace qcc::kernels {

struct UkernelArgs {
  int taps = 1;
  int64_t kc = 0;                  ///< per-tap K (elements; bytes for int8, a multiple of 4)
  const void* const* a = nullptr;  ///< taps * mr row pointers
  const void* b = nullptr;         ///< start of this panel's packed B
  void* c = nullptr;               ///< output tile origin
  int64_t ldc = 0;                 ///< output row stride, elements
  int m = 0, n = 0;                ///< valid rows / columns of the tile
  const void* bias = nullptr;      ///< nr entries (f32, or s32 for q8)
  const float* scale = nullptr;    ///< q8: nr requantization multipliers
  float zero = 0;                  ///< q8: output zero point, added after scaling
  float lo = -3.4e38f, hi = 3.4e38f;  ///< output clamp (ReLU: lo = 0)
  int mr = 0, nr = 0;              ///< the kernel's tile (read by the generic reference only)
  /// Kernels with k_block: row r's K block j starts at a[0] + j * a_kstep + r * lda (bytes).
  int64_t lda = 0, a_kstep = 0;
};

/// What a micro-kernel reads (A) and writes (C); B is f32, f16 or s8 to match A.
enum class AType : uint8_t { f32, f16, u7, u8, s8 };
enum class CType : uint8_t { f32, f16, s8, u8 };

/// The largest |weight| of 7-bit weights (GemmType::w7): what keeps AVX2's vpmaddubsw sums exact.
constexpr int kW7Max = 63;

struct GemmType {
  AType a = AType::f32;
  CType c = CType::f32;
  bool w7 = false;  ///< q8: every weight within -63..63 (a set without w7 kernels runs q8's)
  bool q8() const { return a == AType::u7 || a == AType::u8 || a == AType::s8; }
  bool operator==(const GemmType&) const = default;
};
constexpr GemmType kGemmF32{AType::f32, CType::f32};
constexpr GemmType kGemmF16{AType::f16, CType::f16};

struct Ukernel {
  void (*fn)(const UkernelArgs&) = nullptr;
  const char* isa = "";  ///< the variant ("scalar", "avx2", "avx512vnni"), for reports
  int mr = 0;  ///< rows per tile
  int nr = 0;  ///< columns per packed B panel
  /// s8 A only: the kernel is the unsigned one and expects A ^ 0x80 (= a + 128) with the bias
  /// already lowered by 128 * sum(w) per column (the VNNI trick; set_q8_epilogue does it).
  bool flip_signed_input = false;
  /// int8 B widened to int16 at packing, in blocks of this many columns (0: B stays bytes): per
  /// 4-k group and block, the columns' (k0, k2) pairs, then their (k1, k3) pairs, as vpmaddwd
  /// takes them against A's even and odd bytes (AVX2's u8 kernels; see pack_b).
  int pair_lanes = 0;
  /// Tile-matrix kernels (AMX): A comes as one tap, its mr rows' K blocks of k_block bytes at
  /// a[0] + block * a_kstep + row * lda (blocked [K / k_block][mr][k_block] when packed, or rows
  /// lda apart read in place; rows past m readable but ignored), K padded with zeros to a
  /// multiple of k_block (itself a multiple of 64) in B. 0: row pointers per tap, K in 4-byte
  /// groups.
  int k_block = 0;
  /// Called on a thread before a run of calls to fn (AMX: loads the tile configuration). Null:
  /// none.
  void (*prepare)() = nullptr;
};

struct UkernelSet {
  const char* isa;
  Ukernel f32, f16;
  Ukernel q8[3][3];  ///< [A: u7, u8, s8][C: s8, u8, f32]
  Ukernel q8w7[3][3];  ///< the same for 7-bit weights; empty where q8's are as fast
  const Ukernel& get(GemmType t) const;
};

/// Plain scalar reference kernels (the definition of correct results), with the given tile.
UkernelSet ukernels_ref(int mr, int nr);
/// AVX2 + FMA + F16C kernels (int8 through vpmaddubsw/vpmaddwd; w7 kernels for 7-bit weights).
const UkernelSet& ukernels_avx2();
/// AVX2 + AVX-VNNI kernels (int8 through the 256-bit vpdpbusd).
const UkernelSet& ukernels_avx2vnni();
/// AVX-512 kernels (int8 through AVX512-VNNI vpdpbusd).
const UkernelSet& ukernels_avx512();
/// AMX kernels: int8 through the tile matrix multiply (tdpbusd / tdpbssd), float as AVX-512.
const UkernelSet& ukernels_amx();

}  // namespace qcc::kernels
