// The model's input pipeline for photos: decode (stb_image), RGB, resize the shorter side with
// Pillow-exact antialiased bilinear, center crop, scale to [0,1], normalize per channel -> NCHW f32.
// Identical in spirit and numbers to torchvision's Inception V3 transforms.
//
// Image files come from strangers: the dimensions are read from the header and checked against a
// pixel limit before anything is decoded or resized (a 254-byte PNG may declare 60000x1 pixels,
// which the resize to a 342-pixel shorter side would turn into 21 GB), and no failure escapes as
// an exception: each becomes the one-line reason the caller skips and counts.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "ir/tensor.h"

namespace qcc {

/// Default bound on an image's decoded and resized pixel counts (`--max-image-pixels`).
constexpr int64_t kDefaultMaxImagePixels = 64'000'000;

struct Preprocess {
  int resize_shorter = 342;
  int crop = 299;
  std::array<float, 3> mean = {0.485f, 0.456f, 0.406f};
  std::array<float, 3> std = {0.229f, 0.224f, 0.225f};
  int64_t max_pixels = kDefaultMaxImagePixels;
};

/// Decodes and preprocesses one image into `out` (3 x crop x crop floats). Returns an empty string
/// on success, else a one-line reason (unreadable, unsupported, too large, too small...).
std::string load_image(const std::string& path, const Preprocess& p, float* out);
/// The same from an encoded image in memory.
std::string decode_image(const uint8_t* data, size_t size, const Preprocess& p, float* out);

/// Convenience: a [1, 3, crop, crop] tensor; throws std::runtime_error naming the file.
Tensor load_image_tensor(const std::string& path, const Preprocess& p = {});

}  // namespace qcc
