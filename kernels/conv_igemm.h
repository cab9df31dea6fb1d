// Convolution (and GEMM, a 1x1 convolution over 1x1 images) as an implicit GEMM on NHWC data:
// M = output pixels, N = output channels, K = taps x input channels in (kh, kw, c) order.
//
// Weights are packed once (pack_b) into nr-column panels. A task computes output rows
// [m_begin, m_end) for panels [p_begin, p_end): it builds, per tile of mr rows and per tap, a row
// pointer into the input (or into a zero row for padding), optionally im2col-packs those rows into
// scratch (f16 -> f32 conversion, int8 sign flip, or tiny channel counts), then runs the
// micro-kernel over all panels with the packed-B panel kept hot. Single-threaded: the runtime
// splits tasks across threads.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/aligned.h"
#include "kernels/gemm_ukernel.h"

namespace qcc::kernels {

struct ConvGeom {
  int64_t batch = 1, in_h = 1, in_w = 1, in_c = 1;
  int64_t out_h = 1, out_w = 1, out_c = 1;
  int64_t k_h = 1, k_w = 1, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  int64_t pad_t = 0, pad_l = 0;
  int64_t in_pixel_stride = 0;   ///< elements between consecutive input pixels (>= in_c)
  int64_t out_pixel_stride = 0;  ///< elements between consecutive output pixels (>= out_c)

  int64_t taps() const { return k_h * k_w; }
  int64_t m() const { return batch * out_h * out_w; }
  int64_t k() const { return taps() * in_c; }
};

/// Weights, bias and requantization multipliers laid out for one micro-kernel.
struct PackedWeights {
  GemmType type = kGemmF32;
  Ukernel uk;                      ///< the kernel the layout was made for (its mr, nr)
  int64_t n = 0, k = 0, k_padded = 0, panels = 0;
  AlignedBytes b;                  ///< panels x k_padded x nr elements (f32, f16 or s8)
  std::vector<float> bias_f32;     ///< panels x nr (float types)
  std::vector<int32_t> bias_s32;   ///< panels x nr (q8)
  std::vector<float> scale;        ///< panels x nr (q8)
  const uint8_t* panel(int64_t p) const;
};

/// Packs B given as element (n, k) at src[n * stride_n + k * stride_k] for kernel `uk` of type
/// `t` (element bytes: 4 f32, 2 f16 bits, 1 s8 in groups of 4 along K). Bias/scale are sized
/// (zeroed) for the caller to fill.
void pack_b(const void* src, int64_t n, int64_t k, int64_t stride_n, int64_t stride_k, GemmType t,
            const Ukernel& uk, PackedWeights& out);

/// Sets per-column bias (int32, in units of s_x * s_w) and requantization multipliers of packed
/// int8 weights. The kernels sum w * a over the stored activations a; the bias is lowered by
/// offset * sum_k w[n][k] so they compute sum w * (a - input_zero) instead: offset is the
/// input's zero point, plus 128 for kernels that read signed activations as a + 128
/// (flip_signed_input).
void set_q8_epilogue(PackedWeights& w, const int32_t* bias, const float* scale, int32_t input_zero = 0);

/// Reorders conv weights [O][I][taps] to [O][taps][I] (the K order of NHWC taps), any element size.
void oihw_to_ohwi(const void* src, void* dst, int64_t o, int64_t i, int64_t taps, int elem_bytes);

struct ConvArgs {
  ConvGeom g;
  const PackedWeights* w = nullptr;
  const void* in = nullptr;
  void* out = nullptr;
  const void* zero_row = nullptr;  ///< >= in_c zero elements of the input type
  float lo = -3.4e38f, hi = 3.4e38f;  ///< output clamp (in the quantized domain for int8 outputs)
  float out_zero = 0;                 ///< int8 output zero point
  bool pack_a = false;                ///< im2col rows into scratch (see conv_needs_packing)
  bool row_taps = false;              ///< one tap per window row, read in place (see conv_row_taps)
  bool rows_in_place = false;         ///< tile kernels read the input's rows (conv_rows_in_place)
};

/// Output rows up to which a convolution's rows are one chunk (split across threads by panels).
constexpr int64_t kFewRows = 128;
/// Rows per task chunk: keeps a chunk's A rows around 256 KB, or all rows when they are few.
int64_t conv_chunk_rows(const ConvArgs& a);
/// Scratch bytes a task of `rows` output rows needs.
size_t conv_scratch_bytes(const ConvArgs& a, int64_t rows);
/// Computes output rows [m_begin, m_end) x panels [p_begin, p_end).
void conv_run(const ConvArgs& a, int64_t m_begin, int64_t m_end, int64_t p_begin, int64_t p_end,
              void* scratch);

/// Whether conv_run must im2col-pack A for this kernel / channel count.
bool conv_needs_packing(GemmType t, const Ukernel& uk, int64_t in_c);

/// Whether a tile kernel (Ukernel::k_block) reads a 1x1 stride-1 conv's (or a Gemm's) rows straight
/// from the input `in`, lda = the pixel stride, instead of im2col-packing them: a tile's rows are
/// consecutive pixels, and the bytes a row reads past in_c (up to K padded to k_block: the next
/// pixel's or other channels of a concat buffer) meet zero weights. Only when every row starts
/// on a cache line (packed rows do); tiles whose reads would pass the last pixel are packed.
bool conv_rows_in_place(GemmType t, const Ukernel& uk, const ConvGeom& g, const void* in);

/// Whether an int8 conv whose channel count is not a multiple of 4 (the image's 3) reads each
/// window row as one tap of row_tap_bytes, straight from dense input, instead of im2col-packing
/// every row: the bytes past the k_w * in_c of a row meet zero weights. Its B is
/// row_tap_weights(...) with K = k_h * row_tap_bytes; not for kernels that flip signed input.
bool conv_row_taps(GemmType t, const Ukernel& uk, const ConvGeom& g);
/// k_w * in_c rounded up to the micro-kernel's 4-byte groups.
int64_t row_tap_bytes(const ConvGeom& g);
/// Weights [O][k_h][k_w * in_c] to [O][k_h][row_tap_bytes] with zeros in the padding.
std::vector<int8_t> row_tap_weights(const int8_t* ohwi, const ConvGeom& g);

}  // namespace qcc::kernels
