// Peak loop for AMX-INT8 (compiled with those flags only): tdpbusd into 4 independent 16x16 int32
// tiles from two 16x64-byte operand tiles, 16 x 16 x 64 MACs each.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/amx_tiles.h"
#include "kernels/peak.h"

namespace qcc::kernels::peak {

double int8_amx(int64_t iters) {
  alignas(64) uint8_t operand[16][64];
  std::memset(operand, 1, sizeof operand);
  configure_amx_tiles();
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  _tile_loadd(4, operand, 64);
  _tile_loadd(5, operand, 64);
  for (int64_t i = 0; i < iters; ++i) {
    _tile_dpbusd(0, 4, 5);
    _tile_dpbusd(1, 4, 5);
    _tile_dpbusd(2, 4, 5);
    _tile_dpbusd(3, 4, 5);
  }
  alignas(64) int32_t sink[16][16];
  _tile_stored(0, sink, 64);
  volatile int32_t keep = sink[0][0];
  (void)keep;
  return static_cast<double>(iters) * 4 * 16 * 16 * 64;
}

}  // namespace qcc::kernels::peak
