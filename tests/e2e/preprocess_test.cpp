// qcc's image pipeline (stb_image decode + Pillow-style antialiased resize + crop + normalize)
// against torchvision/PIL's on real photos. JPEG decoders differ slightly (libjpeg-turbo's vs
// stb_image's IDCT and upsampling), so the check is statistical: mean |qcc - torchvision| per
// image in normalized units. The reference tensors are written by tools/make_inputs.py in the
// CTest fixture (QCC_PREPROCESS_REF), from the photos in QCC_PHOTOS.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "frontend/tensor_proto.h"
#include "runtime/image.h"

namespace qcc {
namespace {

TEST(PreprocessTest, MatchesTorchvisionOnPhotos) {
  const char* ref_dir = std::getenv("QCC_PREPROCESS_REF");
  const char* photos = std::getenv("QCC_PHOTOS");
  if (!ref_dir || !photos) GTEST_SKIP() << "run through CTest (needs the PIL reference fixture)";
  Tensor ref = load_tensor_file(std::string(ref_dir) + "/input_0.pb");
  std::ifstream list(std::string(ref_dir) + "/images.txt");
  std::vector<std::string> names;
  for (std::string line; std::getline(list, line);) names.push_back(line);
  ASSERT_EQ(static_cast<int64_t>(names.size()), ref.shape()[0]);
  const int64_t plane = 3 * 299 * 299;
  double total = 0, worst = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    Tensor got = load_image_tensor(std::string(photos) + "/" + names[i]);
    double sum = 0;
    for (int64_t j = 0; j < plane; ++j) sum += std::fabs(got.data<float>()[j] - ref.data<float>()[i * plane + j]);
    double mean = sum / plane;
    std::printf("%-60s mean |diff| %.5f\n", names[i].c_str(), mean);
    total += mean;
    worst = std::max(worst, mean);
  }
  double mean = total / names.size();
  std::printf("%zu photos: mean |diff| %.5f, worst photo %.5f (normalized units)\n", names.size(), mean, worst);
  EXPECT_LT(mean, 0.01);
  EXPECT_LT(worst, 0.02);
}

}  // namespace
}  // namespace qcc
