// AMX int8 micro-kernels (compiled with AVX-512 and AMX-TILE/AMX-INT8 flags only): a 32x32 output
// tile as four 16x16 int32 tile registers, each K block of 64 bytes two A tiles (rows 0-15 and
// 16-31 of A's rows, packed or in place) times two B tiles (columns 0-15 and 16-31), 4 tile
// multiplies of 16 x 16 x 64 MACs. B's panel layout [K/4][32][4] is already what a B tile holds (a
// row of 16 columns x 4 k per K group), read with a 128-byte stride. u8 / u7 activations take
// tdpbusd, s8 ones tdpbssd (signed x signed, no flip). The int32 tiles are stored and finished by
// the AVX-512 epilogue every int8 kernel shares. Float kernels are the AVX-512 ones.
#include "kernels/amx_tiles.h"
#include "kernels/gemm_ukernel_avx512_traits.h"
#include "kernels/gemm_ukernel_impl.h"

namespace qcc::kernels {

namespace {

constexpr int kRows = 32, kCols = 32, kKBlock = 64;

// The palette-1 tile configuration (Intel SDM, LDTILECFG): 8 tiles of 16 rows x 64 bytes.
struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t bytes_per_row[16] = {64, 64, 64, 64, 64, 64, 64, 64};
  uint8_t rows[16] = {16, 16, 16, 16, 16, 16, 16, 16};
};
// A constant in memory, not a local: GCC's _tile_loadconfig tells the compiler it reads only part
// of the 64 bytes, and a local's other bytes went unwritten (a stack garbage config: #GP).
constexpr TileConfig kTileConfig{};

template <AType A, typename CT>
void ukernel_amx(const UkernelArgs& p) {
  const uint8_t* a = static_cast<const uint8_t*>(p.a[0]);
  const int8_t* b = static_cast<const int8_t*>(p.b);
  const int64_t lda = p.lda, kstep = p.a_kstep;
  // The sums start from the bias: a row stride of 0 loads its 16 entries into every row.
  const int32_t* bias = static_cast<const int32_t*>(p.bias);
  _tile_loadd(0, bias, 0);
  _tile_loadd(1, bias + 16, 0);
  _tile_loadd(2, bias, 0);
  _tile_loadd(3, bias + 16, 0);
  for (int64_t k = 0; k < p.kc; k += kKBlock, a += kstep) {
    const int8_t* bk = b + k * kCols;  // K groups k/4 .. k/4 + 15, 128 bytes each
    _tile_loadd(4, a, lda);
    _tile_loadd(5, a + 16 * lda, lda);
    _tile_loadd(6, bk, 4 * kCols);
    _tile_loadd(7, bk + 64, 4 * kCols);
    // (The tile intrinsics are macros pasting register numbers: no helper can take them.)
    if constexpr (A == AType::s8) {
      _tile_dpbssd(0, 4, 6);
      _tile_dpbssd(1, 4, 7);
      _tile_dpbssd(2, 5, 6);
      _tile_dpbssd(3, 5, 7);
    } else {
      _tile_dpbusd(0, 4, 6);
      _tile_dpbusd(1, 4, 7);
      _tile_dpbusd(2, 5, 6);
      _tile_dpbusd(3, 5, 7);
    }
  }
  // __m512i may alias int32 (GCC declares it so): the epilogue reads the stored tiles directly.
  alignas(64) Avx512::I sums[kRows][2];
  _tile_stored(0, &sums[0][0], 4 * kCols);
  _tile_stored(1, &sums[0][1], 4 * kCols);
  _tile_stored(2, &sums[16][0], 4 * kCols);
  _tile_stored(3, &sums[16][1], 4 * kCols);
  impl::store_q8_tile<Avx512, kRows, 2, CT>(p, sums);
}

template <AType A>
void set_amx_row(Ukernel (&row)[3]) {
  row[0] = {ukernel_amx<A, int8_t>, "amx", kRows, kCols, false, 0, kKBlock, configure_amx_tiles};
  row[1] = {ukernel_amx<A, uint8_t>, "amx", kRows, kCols, false, 0, kKBlock, configure_amx_tiles};
  row[2] = {ukernel_amx<A, float>, "amx", kRows, kCols, false, 0, kKBlock, configure_amx_tiles};
}

}  // namespace

void configure_amx_tiles() {
  _tile_loadconfig(&kTileConfig);
}

const UkernelSet& ukernels_amx() {
  static const UkernelSet s = [] {
    UkernelSet amx = ukernels_avx512();  // float and f16 kernels
    amx.isa = "amx";
    set_amx_row<AType::u7>(amx.q8[0]);
    set_amx_row<AType::u8>(amx.q8[1]);
    set_amx_row<AType::s8>(amx.q8[2]);
    return amx;  // no q8w7 kernels: 7-bit weights take these
  }();
  return s;
}

}  // namespace qcc::kernels
