#include "runtime/image.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include <stb/stb_image.h>

#include "ir/printable.h"
#include "kernels/resize.h"
#include "runtime/stb_guard.h"

namespace qcc {

namespace {

using Pixels = std::unique_ptr<uint8_t, void (*)(void*)>;

struct Size {
  int64_t w, h;
};

// torchvision Resize(int): the shorter side becomes resize_shorter, the longer keeps the ratio
// (truncated, as int() does in Python).
Size resized_size(Size in, const Preprocess& p) {
  if (in.w <= in.h) return {p.resize_shorter, p.resize_shorter * in.h / in.w};
  return {p.resize_shorter * in.w / in.h, p.resize_shorter};
}

// The header's dimensions against the pixel limit, for the decoded and for the resized image.
std::string check_size(Size in, const Preprocess& p) {
  if (in.w < 1 || in.h < 1) return "image header declares no pixels";
  const Size r = resized_size(in, p);
  auto dims = [](Size s) { return std::to_string(s.w) + "x" + std::to_string(s.h); };
  const std::string limit = " pixels, over the limit of " + std::to_string(p.max_pixels) + " (--max-image-pixels)";
  if (in.w * in.h > p.max_pixels) return "image of " + dims(in) + limit;
  if (r.w * r.h > p.max_pixels) return "image of " + dims(in) + " resizes to " + dims(r) + limit;
  if (r.w < p.crop || r.h < p.crop) return "image too small after resize";
  return {};
}

// Resize, center crop and normalize a decoded RGB image (sizes already checked).
void preprocess(const uint8_t* px, Size in, const Preprocess& p, float* out) {
  const Size r = resized_size(in, p);
  const int rw = static_cast<int>(r.w), rh = static_cast<int>(r.h);
  std::vector<uint8_t> resized(static_cast<size_t>(rw) * rh * 3);
  kernels::resize_bilinear_aa_u8(px, static_cast<int>(in.w), static_cast<int>(in.h), 3, resized.data(), rw, rh);
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
}

std::string failed() {
  const char* why = stbi_failure_reason();
  return std::string("cannot decode image: ") + (why ? why : "unknown error");
}

}  // namespace

std::string load_image(const std::string& path, const Preprocess& p, float* out) {
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return "not a regular file";
    // No encoding of an image within the pixel limit takes more than 8 bytes per pixel.
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec || size > static_cast<uintmax_t>(p.max_pixels) * 8 + (1 << 20))
      return "file of " + std::to_string(size) + " bytes is larger than any image within --max-image-pixels";
    std::vector<uint8_t> bytes(size);
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f || std::fread(bytes.data(), 1, bytes.size(), f.get()) != bytes.size()) return "cannot read";
    return decode_image(bytes.data(), bytes.size(), p, out);
  } catch (const std::exception& e) {
    return std::string("cannot read image: ") + e.what();
  }
}

// Header, size check, decode, preprocess. Any failure (including running out of memory) is
// returned as the reason.
std::string decode_image(const uint8_t* data, size_t size, const Preprocess& p, float* out) {
  try {
    if (size > static_cast<size_t>(INT32_MAX)) return "encoded image larger than 2 GB";
    if (std::string err = stb_input_problem(data, size); !err.empty()) return err;
    const int n = static_cast<int>(size);
    int w = 0, h = 0, channels = 0;
    if (!stbi_info_from_memory(data, n, &w, &h, &channels)) return failed();
    if (std::string err = check_size({w, h}, p); !err.empty()) return err;
    int dw = 0, dh = 0;
    Pixels px(stbi_load_from_memory(data, n, &dw, &dh, &channels, 3), stbi_image_free);
    if (!px) return failed();
    if (dw != w || dh != h) return "image header and data disagree on the size";
    preprocess(px.get(), {w, h}, p, out);
    return {};
  } catch (const std::exception& e) {
    return std::string("cannot decode image: ") + e.what();
  }
}

Tensor load_image_tensor(const std::string& path, const Preprocess& p) {
  Tensor t(DType::f32, {1, 3, p.crop, p.crop});
  std::string err = load_image(path, p, t.data<float>());
  if (!err.empty()) throw std::runtime_error(printable(path) + ": " + err);
  return t;
}

}  // namespace qcc
