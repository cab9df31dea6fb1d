// Antialiased bilinear resampling of 8-bit interleaved images, computed the way Pillow's
// Image.resize(BILINEAR) does: a triangle filter widened by the downscale factor, separable
// (horizontal pass, then vertical), 8-bit intermediate, fixed-point weights with 22 fraction bits.
// Matching Pillow matters because torchvision's preprocessing for Inception V3 is Pillow's resize.
#pragma once

#include <cstdint>
#include <vector>

namespace qcc::kernels {

/// Resizes src (h x w x channels, row stride w*channels) to dst (out_h x out_w x channels).
void resize_bilinear_aa_u8(const uint8_t* src, int w, int h, int channels, uint8_t* dst, int out_w,
                           int out_h);

/// The filter taps of one axis: for output i, weights for inputs [first[i], first[i]+count[i]).
struct ResampleTaps {
  std::vector<int> first, count;
  std::vector<double> weights;  ///< out_size x max_count, normalized per output
  int max_count = 0;
};
ResampleTaps bilinear_aa_taps(int in_size, int out_size);

}  // namespace qcc::kernels
