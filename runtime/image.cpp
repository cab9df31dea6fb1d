#include "runtime/image.h"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>

#include "kernels/resize.h"

namespace qcc {

std::string load_image(const std::string& path, const Preprocess& p, float* out) {
  int w = 0, h = 0, channels = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> px(stbi_load(path.c_str(), &w, &h, &channels, 3),
                                               stbi_image_free);
  if (!px) return std::string("cannot decode image: ") + stbi_failure_reason();
  // torchvision Resize(int): the shorter side becomes resize_shorter, the longer keeps the ratio
  // (truncated, as int() does in Python).
  int rw, rh;
  if (w <= h) {
    rw = p.resize_shorter;
    rh = static_cast<int>(static_cast<int64_t>(p.resize_shorter) * h / w);
  } else {
    rh = p.resize_shorter;
    rw = static_cast<int>(static_cast<int64_t>(p.resize_shorter) * w / h);
  }
  if (rw < p.crop || rh < p.crop) return "image too small after resize";
  std::vector<uint8_t> resized(static_cast<size_t>(rw) * rh * 3);
  kernels::resize_bilinear_aa_u8(px.get(), w, h, 3, resized.data(), rw, rh);
  // CenterCrop: Python's round() (half to even) of the margin.
  int top = static_cast<int>(std::nearbyint((rh - p.crop) / 2.0));
  int left = static_cast<int>(std::nearbyint((rw - p.crop) / 2.0));
  const size_t plane = static_cast<size_t>(p.crop) * p.crop;
  for (int y = 0; y < p.crop; ++y)
    for (int x = 0; x < p.crop; ++x) {
      const uint8_t* s = &resized[(static_cast<size_t>(top + y) * rw + left + x) * 3];
      for (int c = 0; c < 3; ++c)
        out[c * plane + static_cast<size_t>(y) * p.crop + x] = (s[c] / 255.f - p.mean[c]) / p.std[c];
    }
  return {};
}

Tensor load_image_tensor(const std::string& path, const Preprocess& p) {
  Tensor t(DType::f32, {1, 3, p.crop, p.crop});
  std::string err = load_image(path, p, t.data<float>());
  if (!err.empty()) throw std::runtime_error(path + ": " + err);
  return t;
}

}  // namespace qcc
