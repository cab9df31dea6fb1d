// Winograd F(MxM, 3x3) convolution for 3x3, stride-1, undilated float convolutions on NHWC,
// M = 4 where there are enough tiles, else 2.
//
// Each MxM block of output pixels ("tile") is computed from an (M+2)x(M+2) input patch: the
// patch is transformed (V = B^T d B), multiplied per transform position xi ((M+2)^2 of them) by
// the transformed weights U[xi] = (G g G^T)[xi] -- one GEMM [tiles x C] x [C x OC] per position,
// run by the regular packed micro-kernels -- and transformed back (Y = A^T M A), with bias and
// the clamp (ReLU) applied. F(2x2): 16 multiplies per tile-channel pair for 4 outputs (2.25x
// fewer than direct), transforms of +, - and exact halvings; F(4x4): 36 for 16 (4x fewer),
// coefficients up to 8 and 1/24, a few float roundings more (tested against the direct
// convolution). F16 tensors are converted to f32 per tile around the float transforms.
#pragma once

#include <vector>

#include "kernels/conv_igemm.h"

namespace qcc::kernels {

struct WinogradWeights {
  int m = 2;                     ///< output tile side M
  std::vector<PackedWeights> u;  ///< (M+2)^2 packed [C x OC] matrices, one per transform position
  std::vector<float> bias;       ///< OC
};

/// Whether a convolution can use Winograd (3x3, stride 1, undilated).
bool winograd_applies(const ConvGeom& g);
/// The tile side M worth using with micro-kernels of `tile_rows` rows: 4 or 2, the largest with
/// at least 8 row tiles of tiles; 0 when even F(2x2) has fewer (Inception's 8x8 layers at batch
/// 1: 16 tiles), where partly filled row tiles and the transforms cost more than the fewer
/// multiplies save and the direct kernel is faster. Independent of the thread count, so results
/// are too.
int winograd_tile_size(const ConvGeom& g, int tile_rows);

/// Transforms and packs float weights [OC][C][3][3] for tile side m (2 or 4) and micro-kernel
/// `uk` (an f32 kernel).
void winograd_pack(const float* w_oihw, const float* bias, int64_t oc, int64_t c, int m,
                   const Ukernel& uk, WinogradWeights& out);

struct WinogradArgs {
  ConvGeom g;
  const WinogradWeights* w = nullptr;
  const void* in = nullptr;  ///< f32, or f16 when `half`
  void* out = nullptr;       ///< same element type as `in`
  bool half = false;         ///< f16 storage: converted to f32 around the transforms
  float lo = -3.4e38f, hi = 3.4e38f;
  const struct WinogradKernels* kernels = nullptr;  ///< the transforms; null: kernel_config()'s
};

/// Output tiles (MxM pixel blocks) of the convolution with tile side m: the unit of work.
int64_t winograd_tiles(const ConvGeom& g, int m);
/// Tiles per task so a task's transformed input and products stay in L2.
int64_t winograd_chunk_tiles(const WinogradArgs& a);
size_t winograd_scratch_bytes(const WinogradArgs& a, int64_t tiles);
/// Computes tiles [tile_begin, tile_end).
void winograd_run(const WinogradArgs& a, int64_t tile_begin, int64_t tile_end, void* scratch);

}  // namespace qcc::kernels
