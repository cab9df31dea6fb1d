// The model's input pipeline for photos: decode (stb_image), RGB, resize the shorter side with
// Pillow-exact antialiased bilinear, center crop, scale to [0,1], normalize per channel -> NCHW f32.
// Identical in spirit and numbers to torchvision's Inception V3 transforms.
#pragma once

#include <array>
#include <string>

#include "ir/tensor.h"

namespace qcc {

struct Preprocess {
  int resize_shorter = 342;
  int crop = 299;
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
};

/// Decodes and preprocesses one image into `out` (3 x crop x crop floats). Returns an empty string
/// on success, else a one-line reason (unreadable, unsupported, too small...).
std::string load_image(const std::string& path, const Preprocess& p, float* out);

/// Convenience: a [1, 3, crop, crop] tensor; throws std::runtime_error naming the file.
Tensor load_image_tensor(const std::string& path, const Preprocess& p = {});

}  // namespace qcc
