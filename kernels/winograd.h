// Winograd F(2x2, 3x3) convolution for 3x3, stride-1, undilated float convolutions on NHWC.
//
// Each 2x2 block of output pixels ("tile") is computed from a 4x4 input patch: the patch is
// transformed (V = B^T d B, additions only), multiplied per transform position xi (16 of them)
// by the transformed weights U[xi] = (G g G^T)[xi] -- 16 GEMMs of [tiles x C] x [C x OC] run by
// the regular packed micro-kernels -- and transformed back (Y = A^T M A), with bias and the
// clamp (ReLU) applied. 16 multiplies per tile-channel pair instead of 36: 2.25x fewer MACs.
// The transforms use only +, - and exact halvings, so results stay within float rounding of the
// direct convolution. F16 tensors are converted to f32 per tile around the float transforms.
#pragma once

#include <vector>

#include "kernels/conv_igemm.h"

namespace qcc::kernels {

struct WinogradWeights {
  std::vector<PackedWeights> u;  ///< 16 packed [C x OC] matrices, one per transform position
  std::vector<float> bias;       ///< OC
};

/// Whether a convolution can use Winograd F(2x2, 3x3).
bool winograd_applies(const ConvGeom& g);
/// Whether it is worth it for micro-kernels of `tile_rows` rows: with few tiles (Inception's 8x8
/// layers at batch 1: 16) the partly filled row tiles and the transforms cost more than the 2.25x
/// fewer multiplies save, and the direct kernel is faster. Independent of the thread count, so
/// results are too.
bool winograd_pays(const ConvGeom& g, int tile_rows);

/// Transforms and packs float weights [OC][C][3][3] for micro-kernel `uk` (an f32 kernel).
void winograd_pack(const float* w_oihw, const float* bias, int64_t oc, int64_t c, const Ukernel& uk,
                   WinogradWeights& out);

struct WinogradArgs {
  ConvGeom g;
  const WinogradWeights* w = nullptr;
  const void* in = nullptr;  ///< f32, or f16 when `half`
  void* out = nullptr;       ///< same element type as `in`
  bool half = false;         ///< f16 storage: converted to f32 around the transforms
  float lo = -3.4e38f, hi = 3.4e38f;
  const struct WinogradKernels* kernels = nullptr;  ///< the transforms; null: kernel_config()'s
};

/// Output tiles (2x2 pixel blocks) of the convolution: the unit of work.
int64_t winograd_tiles(const ConvGeom& g);
/// Tiles per task so a task's transformed input and products stay in L2.
int64_t winograd_chunk_tiles(const WinogradArgs& a);
size_t winograd_scratch_bytes(const WinogradArgs& a, int64_t tiles);
/// Computes tiles [tile_begin, tile_end).
void winograd_run(const WinogradArgs& a, int64_t tile_begin, int64_t tile_end, void* scratch);

}  // namespace qcc::kernels
