// libFuzzer target: bytes -> the image loader (header check, stb_image decode, Pillow-style resize,
// crop, normalize), as eval and calibration run it. A failure must come back as a reason.
#include <cstdint>
#include <vector>

#include "runtime/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qcc::Preprocess pre;
  pre.max_pixels = 4'000'000;  // keeps one execution fast; the check itself is what is tested
  static std::vector<float> out(3 * static_cast<size_t>(pre.crop) * pre.crop);
  qcc::decode_image(data, size, pre, out.data());
  return 0;
}
