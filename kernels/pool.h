// 2-D max and average pooling on NHWC tensors, vectorized along channels. Inputs and outputs may
// be channel slices of wider tensors (pixel strides), so pooling branches write into concat
// outputs in place.
#pragma once

#include <cstdint>

namespace qcc::kernels {

struct PoolGeom {
  int64_t batch = 1, in_h = 1, in_w = 1, c = 1, out_h = 1, out_w = 1;
  int64_t k_h = 1, k_w = 1, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  int64_t pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  int64_t in_pixel_stride = 0, out_pixel_stride = 0;
  bool count_include_pad = false;
  int64_t rows() const { return batch * out_h; }  ///< parallel unit: one output image row
};

/// Output rows [row_begin, row_end) of batch*out_h.
void maxpool_nhwc_f32(const PoolGeom& g, const float* in, float* out, int64_t row_begin, int64_t row_end);
void maxpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t row_begin, int64_t row_end);
void maxpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, int64_t row_begin, int64_t row_end);
void maxpool_nhwc_u8(const PoolGeom& g, const uint8_t* in, uint8_t* out, int64_t row_begin, int64_t row_end);

void avgpool_nhwc_f32(const PoolGeom& g, const float* in, float* out, int64_t row_begin, int64_t row_end);
void avgpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t row_begin, int64_t row_end);
/// Scales and zero points of an int8 op's input and output.
struct QuantPair {
  float in_scale = 1, out_scale = 1;
  int32_t in_zero = 0, out_zero = 0;
};
/// Quantized average: out = saturate(round(sum(q - in_zero) * in_scale / (count * out_scale) +
/// out_zero)) over the window's valid taps.
void avgpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, const QuantPair& q, int64_t row_begin,
                     int64_t row_end);
void avgpool_nhwc_u8(const PoolGeom& g, const uint8_t* in, uint8_t* out, const QuantPair& q, int64_t row_begin,
                     int64_t row_end);

}  // namespace qcc::kernels
